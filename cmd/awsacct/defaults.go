package main

// defaultConcurrency is how many targets a command works on at once: the
// library's default, high enough that a fleet run waits on the network,
// not on workers (per-target rate limits protect AWS).
const defaultConcurrency = 256

// gcPercent is the CLI's GOGC unless the environment sets one (see main).
const gcPercent = 50
