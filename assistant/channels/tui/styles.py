"""The kiosk's look: its stylesheet and the high-contrast theme (``kiosk --high-contrast``).

Every target (option, command, input) is at least three rows high. Focus is shown by the
shape of the frame (heavy lines instead of half blocks) and an underline, not by colour alone,
in both themes.
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="kiosk-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF6E6E",
    success="#00FF66",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    variables={
        "border": "#FFFFFF",
        "border-blurred": "#FFFFFF",
        "scrollbar": "#FFFFFF",
        "scrollbar-hover": "#FFFF00",
        "scrollbar-active": "#FFFF00",
        "scrollbar-background": "#000000",
        "scrollbar-background-hover": "#000000",
        "scrollbar-background-active": "#000000",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 60%",
        "button-foreground": "#FFFFFF",
        "button-color-foreground": "#000000",
        "button-focus-text-style": "bold reverse",
    },
)
"""White and yellow on black: contrast 21:1 and 19.6:1 (WCAG AAA asks 7:1)."""

CSS = """
Screen { align: center middle; }
#languages { width: 60; max-width: 100%; height: auto; }
#languages Button { width: 100%; height: 3; margin: 1 0; }
#typed { border: tall $accent; padding: 0 1; margin: 1 0 0 0; }
#typed-note { text-style: bold; color: $warning; padding: 0 1; }

#transcript { height: 1fr; min-height: 5; border: round $accent; padding: 0 1; }
#transcript .say { margin: 0 0 1 0; }
#transcript .error { text-style: bold; }
#transcript .user { text-style: italic; }
#transcript .busy-note { text-style: bold; color: $warning; }
#transcript .card { border: tall $success; padding: 0 1; margin: 0 0 1 0; }
#transcript .pair { height: auto; }
#transcript .pair > Line { width: 1fr; padding: 0 1 0 0; }
#transcript .pair > .-side-1 { border-left: vkey $accent 60%; padding: 0 1; }
#transcript .pair > .card { padding: 0 1; }
#transcript .pair > .card.-side-1 { border-left: tall $success; margin-left: 1; }
#transcript .rows { height: auto; }
#transcript .rows > .-gap { margin-top: 1; }
#transcript .pair > .unit.-side-0, #transcript .pair > .say.-side-0,
#transcript .pair > .option.-side-0 { border-right: vkey $accent 60%; }

.-short #transcript { border: none; padding: 0 1; }
.-short #transcript .card { border: none; border-left: tall $success; }
#more-options, #more-text { height: 1; width: 100%; content-align: center middle; text-style: bold;
                color: $accent; background: $primary 15%; }

#done-bar { height: auto; background: $success 15%; }
#done-text { width: 1fr; height: auto; padding: 1 1; text-style: bold; }
.-compact-countdown #done-text { padding: 0 1; }
#done-bar #done-finish { margin-left: 1; }

#choices { layout: grid; grid-size: 2; grid-gutter: 0 1; grid-rows: auto;
           height: auto; max-height: 50%; }
#choices.-keys { grid-size: 10; }

#choices Button, #commands Button, #done-bar Button {
    width: auto; height: auto; min-width: 0; min-height: 3; line-pad: 1;
    border: none; border-top: tall $primary 50%; border-bottom: tall $primary 50%;
    background: $surface; color: $foreground; text-style: bold;
}
#choices Button { width: 100%; content-align: left middle; text-align: left; }
#choices.-keys Button { content-align: center middle; text-align: center; }
#commands { height: auto; }
#commands Button { margin: 0 1 0 0; }
#commands.-tight Button { margin: 0; }
#commands #finish, #done-bar Button { border-top: tall $success; border-bottom: tall $success; }
#choices Button:focus, #commands Button:focus, #done-bar Button:focus {
    outline: heavy $accent; text-style: bold underline; background: $accent 25%;
}
#choices .toggle.-on { background: $success 25%; text-style: bold; }
#choices .done { border-top: tall $success; border-bottom: tall $success; }
#entry { border: tall $primary 50%; }
#entry:focus { border: heavy $accent; }

.high-contrast #transcript { border: heavy $foreground; }
.high-contrast .-short #transcript { border: none; }
.high-contrast .-short #transcript .card { border: none; border-left: tall $foreground; }
.high-contrast #transcript .card { border: tall $foreground; }
.high-contrast #transcript .pair > .-side-1 { border-left: vkey $foreground; }
.high-contrast #transcript .pair > .unit.-side-0, .high-contrast #transcript .pair > .say.-side-0,
.high-contrast #transcript .pair > .option.-side-0 { border-right: vkey $foreground; }
.high-contrast #transcript .pair > .card.-side-1 { border-left: tall $foreground; }
.high-contrast #choices Button, .high-contrast #commands Button,
.high-contrast #done-bar Button { border-top: tall $foreground; border-bottom: tall $foreground; }
.high-contrast #entry { border: tall $foreground; }
.high-contrast #choices .toggle.-on { background: $background; color: $accent; }
.high-contrast #choices Button:focus, .high-contrast #commands Button:focus,
.high-contrast #done-bar Button:focus { outline: heavy $accent; background: $accent;
                                        color: $background; }
.high-contrast #entry:focus { border: heavy $accent; }
.high-contrast #done-bar { background: $background; border-top: heavy $success; }
"""
