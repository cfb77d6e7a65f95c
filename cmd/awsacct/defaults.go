package main

// defaultConcurrency is how many targets a command works on at once: the
// library's default, high enough that a fleet run waits on the network,
// not on workers (per-target rate limits protect AWS).
const defaultConcurrency = 256
