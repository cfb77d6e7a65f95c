//go:build race

package configfile_test

// The race detector slows code down several times: time bounds scale.
const raceSlowdown = 10
