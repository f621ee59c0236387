module github.com/infogain-dev/infogain/cases/jsonl/libcompare

go 1.26.8

require github.com/infogain-dev/infogain v0.0.0

require (
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/goccy/go-json v0.12.0 // indirect
)

replace github.com/infogain-dev/infogain => ../../..
