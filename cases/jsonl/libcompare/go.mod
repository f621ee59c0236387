module github.com/infogain-dev/infogain/cases/jsonl/libcompare

go 1.26.8

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/goccy/go-json v0.12.0
	github.com/infogain-dev/infogain v0.0.0
)

replace github.com/infogain-dev/infogain => ../../..
