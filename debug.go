package imaplib

import (
	"fmt"
	"strings"
	"time"
)

// cmdLogLen is the size of the ring of recent lines kept for PrintLog, as
// CPython's _cmd_log_len.
const cmdLogLen = 10

type logEntry struct {
	line string
	at   time.Time
}

// mesg writes one debug message in CPython's _mesg format:
// "  MM:SS.cc message".
func (m *IMAP4) mesg(s string) {
	m.mesgAt(s, time.Now())
}

func (m *IMAP4) mesgAt(s string, t time.Time) {
	fmt.Fprintf(m.opts.debugOut, "  %s.%02d %s\n", t.Format("04:05"), t.Nanosecond()/10_000_000, s)
}

// logLine records a line received (dir '<'): printed at debug level 4,
// otherwise kept in the ring for PrintLog. At level 0 nothing is kept,
// which spares formatting every line of a large FETCH.
func (m *IMAP4) logLine(dir byte, line []byte) {
	if m.debug < 1 {
		return
	}
	m.logText(string(dir) + " " + pyBytesRepr(line))
}

func (m *IMAP4) logText(s string) {
	if m.debug >= 4 {
		m.mesg(s)
		return
	}
	m.cmdLog[m.cmdLogAt] = logEntry{s, time.Now()}
	m.cmdLogAt = (m.cmdLogAt + 1) % cmdLogLen
}

// logCommand records a command line sent, with secret arguments replaced
// so that no debug level ever shows a password.
func (m *IMAP4) logCommand(tag, name string, args []arg, line []byte) {
	if m.debug < 1 {
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
	m.logText("> " + pyBytesRepr(line))
}

// printLog is Python's print_log: replay the ring of recent lines.
func (m *IMAP4) printLog() {
	n := 0
	for _, e := range m.cmdLog {
		if e.line != "" {
			n++
		}
	}
	m.mesg(fmt.Sprintf("last %d IMAP4 interactions:", n))
	for i := range cmdLogLen {
		e := m.cmdLog[(m.cmdLogAt+i)%cmdLogLen]
		if e.line != "" {
			m.mesgAt(e.line, e.at)
		}
	}
}

// dumpUntagged is Python's _dump_ur, in the dict's insertion order.
func (m *IMAP4) dumpUntagged() {
	if len(m.untagged) == 0 {
		return
	}
	items := make([]string, 0, len(m.untagged))
	for _, k := range m.untaggedOrder {
		items = append(items, k+": "+dataListRepr(m.untagged[k]))
	}
	m.mesg("untagged responses dump:" + strings.Join(items, "\n\t\t"))
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
