"""Users, sign-in, devices and the demo seed."""
