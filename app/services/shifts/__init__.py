"""The clerk's cash shift: open, cash in and out, close with the count, and the tally of what the drawer should hold."""
