//go:build linux

package main

import (
	"testing"
	"time"

	"github.com/goimaplib/imaplib/bench/internal/span"
)

func TestParseRun(t *testing.T) {
	s, err := parseRun("workload=search messages=3 bytes=0\nspan 2000000 500000 64\nsample 9000000 4000000 6144\n")
	if err != nil {
		t.Fatal(err)
	}
	want := span.Figures{Wall: 2 * time.Millisecond, CPU: 500 * time.Microsecond, GrowthKiB: 64}
	if s.out != "workload=search messages=3 bytes=0" || s.span == nil || *s.span != want ||
		s.wall != 9*time.Millisecond || s.cpu != 4*time.Millisecond || s.peakKiB != 6144 {
		t.Errorf("parseRun = %+v (span %+v)", s, s.span)
	}

	// A client without a span line (CPython where /proc is missing, say).
	s, err = parseRun("workload=login messages=0 bytes=0\nsample 1 2 3\n")
	if err != nil || s.out != "workload=login messages=0 bytes=0" || s.span != nil {
		t.Errorf("without a span: %+v, %v", s, err)
	}

	for _, bad := range []string{
		"workload=x\nspan 1 2\nsample 1 2 3\n",          // a broken span line
		"workload=x\nextra\nsample 1 2 3\n",             // two lines
		"workload=x\nspan 1 2 3\n",                      // no sample line
		"workload=x\nextra\nspan 1 2 3\nsample 1 2 3\n", // two lines before the span
	} {
		if _, err := parseRun(bad); err == nil {
			t.Errorf("parseRun(%q) succeeded", bad)
		}
	}
}
