#!/usr/bin/env bash
# Drive the real kiosk in tmux as a person would: a Ukrainian citizen picks Ukrainian, books a
# meeting with an interpreter and a +380 number, reads the booking code off the confirmation
# card, then presses Finish (Tab to it, Enter). After the wipe neither the screen nor tmux's
# scrollback may hold the name, the phone number or the code.
# Usage: scripts/tmux_booking.sh [python] [database-url] [file for the final scrollback]
# Exit 0 and print the code on success.
set -euo pipefail
PY=${1:-.venv/bin/python}
DB=${2:-sqlite:///$(mktemp -d)/tmux.sqlite3}
AFTER=${3:-}
S="kiosk-$$"
NAME="Ольга Петренко"
PHONE="+380 50 123 4567"
t() { tmux -L "$S" "$@"; }  # a tmux server of our own: no other session's size or options
trap 't kill-server 2>/dev/null || true' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8

screen() { t capture-pane -p -t "$S" -S -200; }
everything() { t capture-pane -p -J -t "$S" -S - -E -; }  # all of the scrollback
wait_for() {  # wait_for TEXT [SECONDS]: poll the screen until TEXT shows, or fail
    local deadline=$((SECONDS + ${2:-30}))
    until screen | grep -qF -- "$1"; do
        if (( SECONDS > deadline )); then
            echo "timed out waiting for: $1" >&2; screen >&2; exit 1
        fi
        sleep 0.2
    done
}
type_line() { t send-keys -t "$S" -l -- "$1"; t send-keys -t "$S" Enter; }

t -u new-session -d -s "$S" -x 100 -y 45 \
    "$PY -m assistant kiosk --db '$DB' --demo; sleep 5"
t set-option -t "$S" remain-on-exit on  # a kiosk that dies leaves its last screen to report
wait_for "Українська"
t send-keys -t "$S" Tab Tab Enter       # the third language button
wait_for "Записатися на зустріч"
type_line 1
wait_for "Яка зустріч вам потрібна?"
type_line 5                                # guidance on adult apprenticeship
wait_for "Як ви хочете провести зустріч?"
type_line 1                                # at the jobcenter
wait_for "Якою мовою ви хочете провести зустріч?"
type_line 3                                # in Ukrainian: with an interpreter
wait_for "перекладачем)"
type_line 1
wait_for "Як вас звати?"
type_line "$NAME"
wait_for "Який ваш номер телефону?"
type_line "$PHONE"
wait_for "Усе правильно?"
type_line 1
wait_for "Вашу зустріч заброньовано."
wait_for "Мова: українська, з перекладачем"
code=$(screen | grep -oE "┃ ([A-Z2-9] ){6}┃" | head -1 | tr -d '┃ ')
[ -n "$code" ] || { echo "no code on screen" >&2; screen >&2; exit 1; }

# Finish: from the text box, Tab past "I'm not done" (the countdown after the booking comes
# first), then Back, Menu, Language, Staff, Help, Save, Two languages.
t send-keys -t "$S" Tab Tab Tab Tab Tab Tab Tab Tab Tab Enter
wait_for "Choose language"
sleep 0.5  # let the terminal take the last frame of the wipe
left=$(everything)
[ -z "$AFTER" ] || printf '%s\n' "$left" > "$AFTER"
for private in "Ольга" "Петренко" "123 4567" "1234567" "$code" "$(echo "$code" | sed 's/./& /g;s/ $//')"; do
    if grep -qF -- "$private" <<< "$left"; then
        echo "after Finish the scrollback still holds: $private" >&2; exit 1
    fi
done
echo "$code"
