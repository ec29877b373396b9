package main

# A policy whose answer depends on the clock cannot be replayed; the engine refuses it.
assessment := {"now": time.now_ns()}
