"""Channel traffic simulator (DESIGN.md §12 `simulate`): OTA and mini-program orders, signed
payment callbacks, gate redemptions, and on request the faults the field knows (lost, late
and duplicate callbacks, duplicate payments, paid-no-order, duplicate and offline
redemptions). It talks to a central store over HTTP only, like a real channel or gate.

`simulator.runner.Simulator` is the engine, `simulator.cli` the command. This file imports
nothing, so `main.py` builds its parser without loading any HTTP code."""
