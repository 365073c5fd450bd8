package imaplib

// AppendMessage is one message for AppendMany, with its flags and date
// as Append takes them.
type AppendMessage struct {
	// Flags are the message's flags, e.g. `(\Seen)` or `\Seen $Label`
	// (parentheses are added when missing); "" for none.
	Flags string
	// Date is the internal date: anything Time2Internaldate accepts, or
	// nil (or a value Python finds false, such as 0 or "") for none.
	Date any
	// Message is the message. Bare CR and LF become CRLF, unless the view
	// is With(KeepLineEndings).
	Message []byte
}

// AppendMany adds msgs to mailbox ("" means INBOX) in as few round trips
// as the server allows. Python's imaplib has no equivalent.
//
// When the server advertises MULTIAPPEND (RFC 3502), all of msgs go in one
// APPEND command, which is atomic: either every message is appended or
// none is. By default each literal is synchronizing, as Append's: the
// client waits for the server's "+" before each message and, if the
// server completes the command instead (a NO or BAD after any message's
// flags and date), sends nothing more. That costs one round trip per
// message, where one Append per message costs two. With WithLiteralPlus
// and a server that advertises LITERAL+ (LITERAL- for messages of at most
// 4096 bytes), the messages go out non-synchronizing in as few writes as
// possible, and the whole batch costs one round trip; WithLiteralPlus's
// risk then applies to every message of the batch. A message whose flags
// or date are not well formed goes out synchronizing, and so does every
// message after it; in UTF-8 mode every message is sent synchronizing in
// RFC 6855's UTF8 (~{N}) form.
//
// Without MULTIAPPEND, AppendMany sends one APPEND per message, in order,
// and stops at the first that does not return OK.
//
// typ, data and err are those of the last APPEND sent: the tagged
// response of the MULTIAPPEND (the APPENDUID code of a UIDPLUS server,
// "[APPENDUID uidvalidity uid-set]", goes to the untagged store as usual)
// or, without MULTIAPPEND, of the last message's APPEND or of the first
// that failed. A BAD is an *Error, as for Append. appended is how many of
// msgs, from the first, the server is known to have appended: len(msgs)
// after OK, otherwise 0 with MULTIAPPEND and, without it, the number of
// APPENDs that returned OK. When err is an *AbortError the fate of the
// message (or the batch) in flight is unknown: look at the mailbox.
//
// The state is checked first, then every argument, before anything is
// sent: an *ArgumentError for any message means no message was sent.
// Messages go out from msgs' own memory; one with a bare CR or LF is
// copied into its CRLF form only while it is being sent.
func (m *IMAP4) AppendMany(mailbox string, msgs ...AppendMessage) (typ string, data []Datum, appended int, err error) {
	defer m.begin()()
	if err := m.checkState("APPEND"); err != nil {
		return "", nil, 0, err
	}
	if len(msgs) == 0 {
		return "", nil, 0, &ArgumentError{Func: "AppendMany", Arg: "msgs", Msg: "at least one message is needed", Python: TypeError}
	}
	mb, err := m.appendMailbox("AppendMany", mailbox)
	if err != nil {
		return "", nil, 0, err
	}
	segs := make([]segment, len(msgs))
	for i, msg := range msgs {
		opts, sync, err := m.appendOpts(msg.Flags, msg.Date)
		if err != nil {
			return "", nil, 0, err
		}
		if err := m.checkArgs("APPEND", opts); err != nil {
			return "", nil, 0, err
		}
		lit := messageLiteral(msg.Message, m.call.keepEndings)
		lit.sync = sync
		segs[i] = segment{args: opts, lit: lit}
	}
	if !m.hasCapability("MULTIAPPEND") {
		return m.appendEach(mb, segs)
	}
	// Once a message must wait for the server's "+", so do the ones after
	// it.
	for i := 1; i < len(segs); i++ {
		segs[i].lit.sync = segs[i].lit.sync || segs[i-1].lit.sync
	}
	c, err := m.send(&command{name: "APPEND", args: append([]arg{mb}, segs[0].args...), lit: segs[0].lit, more: segs[1:]})
	if err != nil {
		return "", nil, 0, err
	}
	typ, data, err = m.commandComplete(c)
	if err == nil && typ == "OK" {
		appended = len(msgs)
	}
	return typ, data, appended, err
}

// appendEach is AppendMany without MULTIAPPEND: one APPEND per message,
// stopping at the first that is not OK.
func (m *IMAP4) appendEach(mb arg, segs []segment) (typ string, data []Datum, appended int, err error) {
	for _, s := range segs {
		c, err := m.command("APPEND", append([]arg{mb}, s.args...), s.lit)
		if err != nil {
			return "", nil, appended, err
		}
		typ, data, err = m.commandComplete(c)
		if err != nil || typ != "OK" {
			return typ, data, appended, err
		}
		appended++
	}
	return typ, data, appended, nil
}
