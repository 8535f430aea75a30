#!/usr/bin/env bash
# Drive the real kiosk in tmux as a person would: pick Ukrainian, book a meeting, read the
# booking code off the screen. Usage: scripts/tmux_booking.sh [python] [database-url]
# Exit 0 and print the code on success.
set -euo pipefail
PY=${1:-.venv/bin/python}
DB=${2:-sqlite:///$(mktemp -d)/tmux.sqlite3}
S="kiosk-$$"
trap 'tmux kill-session -t "$S" 2>/dev/null || true' EXIT

screen() { tmux capture-pane -p -t "$S" -S -200; }
wait_for() {  # wait_for TEXT [SECONDS]: poll the screen until TEXT shows, or fail
    local deadline=$((SECONDS + ${2:-30}))
    until screen | grep -qF -- "$1"; do
        if (( SECONDS > deadline )); then
            echo "timed out waiting for: $1" >&2; screen >&2; exit 1
        fi
        sleep 0.2
    done
}
type_line() { tmux send-keys -t "$S" -l -- "$1"; tmux send-keys -t "$S" Enter; }

tmux new-session -d -s "$S" -x 100 -y 45 \
    "$PY -m assistant kiosk --db '$DB' --demo; sleep 5"
tmux set-option -t "$S" remain-on-exit on  # a kiosk that dies leaves its last screen to report
wait_for "Українська"
tmux send-keys -t "$S" Tab Tab Enter       # the third language button
wait_for "Записатися на зустріч"
type_line 1
wait_for "Яка зустріч вам потрібна?"
type_line 7
wait_for "Якою мовою ви хочете провести зустріч?"
type_line 3
wait_for "Оберіть час."
type_line 1
wait_for "Як вас звати?"
type_line "Olha Petrenko"
wait_for "Який ваш номер телефону?"
type_line 22334455
wait_for "Усе правильно?"
type_line 1
wait_for "Вашу зустріч заброньовано."
code=$(screen | grep -oE "Код: [A-Z2-9]{6}" | head -1 | cut -d' ' -f2)
[ -n "$code" ] || { echo "no code on screen" >&2; screen >&2; exit 1; }
echo "$code"
