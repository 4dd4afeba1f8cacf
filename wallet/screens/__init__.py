"""Full-window screens: welcome, unlock, badges, detail, receive, present, QR, help."""
