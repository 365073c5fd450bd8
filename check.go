package imaplib

import "strings"

// ResponseError is a command's answer other than OK, turned into a Go error
// by Check. Python's imaplib raises only where the protocol failed; a NO
// (a missing mailbox, a refused COPY, a quota) comes back as typ "NO" and
// the script must look. A Go program that wants one error path wraps each
// call in Check and handles *ResponseError with errors.As, while the
// methods themselves keep Python's (typ, data, err) shape.
type ResponseError struct {
	// Typ is the result type the command returned, "NO" in practice: a
	// tagged BAD is already an *Error, as in Python.
	Typ string
	// Data is the data the command returned with Typ, for a NO the text
	// of the tagged response, e.g. [b'[TRYCREATE] Mailbox does not exist'].
	Data []Datum
	// Text is the bytes of Data joined by spaces, as a string: the server's
	// words, including any response code such as "[TRYCREATE]".
	Text string
}

// Error returns "imaplib: " followed by Typ and Text, e.g.
// "imaplib: NO [TRYCREATE] Mailbox does not exist".
func (e *ResponseError) Error() string {
	if e.Text == "" {
		return "imaplib: " + e.Typ
	}
	return "imaplib: " + e.Typ + " " + e.Text
}

// Check turns a command's (typ, data, err) into (data, err) with an error
// for every answer that is not a success: err itself when it is set, else
// a *ResponseError when typ is neither "OK" nor "BYE" (Logout's normal
// result: a BYE during any other command is already an *AbortError). It
// sends nothing and changes nothing, so it can wrap any call one at a time:
//
//	data, err := imaplib.Check(m.Select("Archive", false))
//	var no *imaplib.ResponseError
//	if errors.As(err, &no) { ... } // the server said NO
//
// data is returned in every case, so that the caller can still look at it.
// Getquotaroot returns [][]Datum and does not fit; compare its typ with "OK".
func Check(typ string, data []Datum, err error) ([]Datum, error) {
	if err != nil {
		return data, err
	}
	if typ == "OK" || typ == "BYE" {
		return data, nil
	}
	var text []string
	for _, d := range data {
		if d.Kind != KindNone {
			text = append(text, string(d.Bytes))
		}
	}
	return data, &ResponseError{Typ: typ, Data: data, Text: strings.Join(text, " ")}
}
