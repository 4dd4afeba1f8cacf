"""Small widgets the screens share: badge cards, text fields, translated key bindings."""
