package imaplib

import (
	"fmt"
	"runtime"
	"testing"
)

// benchFetchData is a FETCH (UID FLAGS ENVELOPE BODYSTRUCTURE) answer for
// n messages as Fetch returns it, one bytes datum per message, in the
// shape Dovecot sends for a multipart mail with an attachment.
func benchFetchData(n int) []Datum {
	data := make([]Datum, n)
	for i := range data {
		data[i] = bytesDatum(fmt.Appendf(nil, `%d (UID %d FLAGS (\Seen $Forwarded) `+
			`ENVELOPE ("Mon, 7 Dec 2026 10:%02d:00 +0100" "=?utf-8?q?Re:_quarterly_r=C3=A9port_%d?=" `+
			`(("Alice Example" NIL "alice" "example.org")) (("Alice Example" NIL "alice" "example.org")) `+
			`(("Alice Example" NIL "alice" "example.org")) (("Bob" NIL "bob" "example.net")("Carol" NIL "carol" "example.net")) `+
			`NIL NIL "<prev-%d@example.org>" "<msg-%d@example.org>") `+
			`BODYSTRUCTURE ((("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 1532 40 NIL NIL NIL NIL)`+
			`("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 4410 90 NIL NIL NIL NIL) "alternative" `+
			`("boundary" "alt-%d") NIL NIL NIL)("application" "pdf" ("name" "report-%d.pdf") NIL NIL "base64" 84210 NIL `+
			`("attachment" ("filename" "report-%d.pdf" "size" "61530")) NIL NIL) "mixed" ("boundary" "mix-%d") NIL NIL NIL))`,
			i+1, 1000+i, i%60, i, i, i, i, i, i, i))
	}
	return data
}

// BenchmarkParseFetch10k parses a 10,000-message FETCH answer; the
// allocs/msg metric is the allocations per message.
func BenchmarkParseFetch10k(b *testing.B) {
	const n = 10000
	data := benchFetchData(n)
	size := 0
	for _, d := range data {
		size += len(d.Bytes)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		msgs, err := ParseFetch(data)
		if err != nil || len(msgs) != n {
			b.Fatal(len(msgs), err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/n, "allocs/msg")
}

// The allocations per message stay where the benchmark put them: a guard
// against a change that quietly makes every token a string again.
func TestParseFetchAllocsPerMessage(t *testing.T) {
	data := benchFetchData(100)
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := ParseFetch(data); err != nil {
			t.Fatal(err)
		}
	})
	if perMsg := allocs / 100; perMsg > 40 {
		t.Errorf("%.1f allocations per message, want at most 40", perMsg)
	}
}
