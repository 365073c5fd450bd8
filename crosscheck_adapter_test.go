package imaplib

import "errors"

// errNoParser says that this package's typed FETCH parser is not there yet.
var errNoParser = errors.New("the typed FETCH parser (ParseFetch) is not in this branch yet")

// ourView turns the data of Fetch(crosscheckFetch) into msgViews with this
// package's typed parser. It is the only code of the cross-check that knows
// the parser's API.
func ourView(data []Datum) ([]msgView, error) {
	_ = data
	return nil, errNoParser
}

// ourParseFetch runs the typed parser over data and returns how many
// messages it found, for parse_bench_compare_test.go.
func ourParseFetch(data []Datum) (int, error) {
	_ = data
	return 0, errNoParser
}
