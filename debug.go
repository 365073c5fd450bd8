package imaplib

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"
)

// cmdLogLen is the size of the ring of recent lines kept for PrintLog, as
// CPython's _cmd_log_len.
const cmdLogLen = 10

type logEntry struct {
	line string
	at   time.Time
}

// wireLog is a connection's debug output, Python's debug attribute and
// _cmd_log: messages at the debug level in force, and a ring of the last
// lines sent and received for PrintLog.
type wireLog struct {
	lvl  atomic.Int32 // may be changed while a command runs
	out  io.Writer
	ring [cmdLogLen]logEntry
	at   int
}

func (l *wireLog) level() int         { return int(l.lvl.Load()) }
func (l *wireLog) setLevel(level int) { l.lvl.Store(int32(level)) }

// mesg writes one debug message in CPython's _mesg format:
// "  MM:SS.cc message".
func (l *wireLog) mesg(s string) {
	l.mesgAt(s, time.Now())
}

func (l *wireLog) mesgAt(s string, t time.Time) {
	fmt.Fprintf(l.out, "  %s.%02d %s\n", t.Format("04:05"), t.Nanosecond()/10_000_000, s)
}

// line records a line received (dir '<'): printed at debug level 4,
// otherwise kept in the ring for PrintLog. At level 0 nothing is kept,
// which spares formatting every line of a large FETCH.
func (l *wireLog) line(dir byte, line []byte) {
	if l.level() < 1 {
		return
	}
	l.text(string(dir) + " " + pyBytesRepr(line))
}

func (l *wireLog) text(s string) {
	if l.level() >= 4 {
		l.mesg(s)
		return
	}
	l.ring[l.at] = logEntry{s, time.Now()}
	l.at = (l.at + 1) % cmdLogLen
}

// command records a command line sent, with secret arguments replaced so
// that no debug level ever shows a password.
func (l *wireLog) command(tag, name string, args []arg, line []byte) {
	if l.level() < 1 {
		return
	}
	secret := false
	for _, a := range args {
		secret = secret || a.secret
	}
	if secret {
		var b strings.Builder
		b.WriteString(tag + " " + name)
		for _, a := range args {
			if a.b == nil {
				continue
			}
			b.WriteByte(' ')
			if a.secret {
				b.WriteString("***")
			} else {
				b.Write(a.b)
			}
		}
		line = []byte(b.String())
	}
	l.text("> " + pyBytesRepr(line))
}

// print is Python's print_log: replay the ring of recent lines.
func (l *wireLog) print() {
	n := 0
	for _, e := range l.ring {
		if e.line != "" {
			n++
		}
	}
	l.mesg(fmt.Sprintf("last %d IMAP4 interactions:", n))
	for i := range cmdLogLen {
		e := l.ring[(l.at+i)%cmdLogLen]
		if e.line != "" {
			l.mesgAt(e.line, e.at)
		}
	}
}

// pyTupleRepr formats strings as a Python tuple of str.
func pyTupleRepr(s []string) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = pyStrRepr(x)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
