package imaplib

import (
	"fmt"
	"strings"
)

// This file is the only code of the cross-check (crosscheck_test.go) and of
// the benchmark (parse_bench_compare_test.go) that knows the typed parser's
// API. It writes the parser's results into the neutral msgView and does
// nothing else: no decoding, no repair.

// ourView turns the data of Fetch(crosscheckFetch) into msgViews with this
// package's typed parser.
func ourView(data []Datum) ([]msgView, error) {
	msgs, err := ParseFetch(data)
	if err != nil {
		return nil, err
	}
	var out []msgView
	for _, m := range msgs {
		v := msgView{
			UID:          m.UID,
			Flags:        viewFlags(m.Flags),
			Size:         m.Size,
			InternalDate: m.InternalDate,
			Sections:     map[string]string{},
		}
		if e := m.Envelope; e != nil {
			v.Env = envView{
				Date: e.Date, Subject: e.Subject,
				From: ourAddrs(e.From), Sender: ourAddrs(e.Sender), ReplyTo: ourAddrs(e.ReplyTo),
				To: ourAddrs(e.To), Cc: ourAddrs(e.Cc), Bcc: ourAddrs(e.Bcc),
				MessageID: viewMsgID(e.MessageID),
			}
			for _, id := range strings.Fields(e.InReplyTo) {
				v.Env.InReplyTo = append(v.Env.InReplyTo, viewMsgID(id))
			}
		}
		if b := m.BodyStructure; b != nil {
			ourParts(b, false, &v.Parts)
		}
		for _, s := range crosscheckSections {
			if data, ok := m.Body(s); ok {
				v.Sections[s] = string(data)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// ourAddrs writes the parser's addresses back in ENVELOPE's form: the
// parser folds RFC 3501's group markers into each member's Group, the view
// keeps the markers (a start with the group's name as mailbox, an end with
// nothing).
func ourAddrs(list []Address) []addrView {
	var out []addrView
	group := ""
	for _, a := range list {
		if a.Group != group {
			if group != "" {
				out = append(out, addrView{})
			}
			if a.Group != "" {
				out = append(out, addrView{Mailbox: a.Group})
			}
			group = a.Group
		}
		if a.Mailbox != "" || a.Host != "" || a.Name != "" {
			out = append(out, addrView{Name: a.Name, Mailbox: a.Mailbox, Host: a.Host})
		}
	}
	if group != "" {
		out = append(out, addrView{})
	}
	return out
}

// ourParts flattens the parser's tree in pre-order. The parser numbers a
// multipart as its part ("" for the whole message); the view labels a
// multipart that is the body of a message/rfc822 part "N.TEXT" and the
// whole message's "TEXT", as RFC 3501 6.4.5 names their texts.
func ourParts(b *BodyStructure, inMessage bool, out *[]partView) {
	p := partView{
		Part:        b.Part,
		Type:        strings.ToLower(b.MIMEType()),
		Params:      viewParams(b.Params),
		Encoding:    strings.ToLower(b.Encoding),
		Size:        b.Size,
		Disposition: strings.ToLower(b.Disposition),
		DispParams:  viewParams(b.DispositionParams),
		Filename:    b.Filename(),
	}
	if b.IsMultipart() {
		switch {
		case b.Part == "":
			p.Part = "TEXT"
		case inMessage:
			p.Part = b.Part + ".TEXT"
		}
		p.Filename = ""
	}
	*out = append(*out, p)
	isMessage := strings.EqualFold(b.MIMEType(), "message/rfc822")
	for _, c := range b.Children {
		ourParts(c, isMessage, out)
	}
}

// ourParseFetch runs the typed parser over data and returns how many
// messages it found, for parse_bench_compare_test.go.
func ourParseFetch(data []Datum) (int, error) {
	msgs, err := ParseFetch(data)
	if err != nil {
		return 0, fmt.Errorf("ParseFetch: %w", err)
	}
	return len(msgs), nil
}
