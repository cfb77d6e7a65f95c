//go:build !race

package configfile_test

const raceSlowdown = 1
