package regions

//go:generate go run ./internal/gen -o tables_gen.go
