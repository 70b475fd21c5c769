"""The kiosk's Kivy touchscreen UI: renders ``kiosk.core.session`` views, sends intents."""
