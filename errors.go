package imaplib

import "fmt"

// Error is Python's IMAP4.error: a logical error, such as a command issued
// in the wrong state, a tagged BAD reply or a NO reply to LOGIN. Msg is the
// text CPython puts in the exception; Err, when set, is the cause.
//
// An *AbortError or *ReadOnlyError also matches *Error under errors.As, as
// Python's abort and readonly are subclasses of error.
type Error struct {
	// Msg is the text of CPython's exception, returned by Error.
	Msg string
	// Err is the cause (a socket error, a *LimitError), nil when the
	// server or the caller's state is the whole story.
	Err error
}

// Error returns Msg, CPython's text, so that a log line reads as Python's.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause, so that errors.Is reaches a socket error.
func (e *Error) Unwrap() error { return e.Err }

// AbortError is Python's IMAP4.abort: the server or the connection failed
// (EOF, a socket error, BYE, a response the protocol does not allow). The
// connection should be closed and the command retried on a new one; after a
// transport failure the IMAP4 refuses every later command at once.
type AbortError struct {
	// Msg is the text of CPython's exception, e.g. "socket error: EOF".
	Msg string
	// Err is the cause (io.EOF, a *net.OpError, a *LimitError, ...),
	// reachable with errors.Is and errors.As; nil for a server's BYE or a
	// protocol violation, where the server's words are the whole story.
	Err error
}

// Error returns Msg, CPython's text.
func (e *AbortError) Error() string { return e.Msg }

// Unwrap returns the cause, so that errors.Is reaches a socket error.
func (e *AbortError) Unwrap() error { return e.Err }

// As makes an *AbortError match *Error under errors.As, as Python's abort
// is a subclass of error (see asAncestor).
func (e *AbortError) As(target any) bool { return asAncestor(target, e.Msg, e.Err, false) }

// ReadOnlyError is Python's IMAP4.readonly: the mailbox was selected
// read-write but the server reports it READ-ONLY. It matches *AbortError
// and *Error under errors.As.
type ReadOnlyError struct {
	// Msg is CPython's text: "mailbox status changed to READ-ONLY", or
	// "'INBOX' is not writable" from Select.
	Msg string
}

// Error returns Msg, CPython's text.
func (e *ReadOnlyError) Error() string { return e.Msg }

// As makes a *ReadOnlyError match *AbortError and *Error under
// errors.As, as Python's readonly is a subclass of abort (see asAncestor).
func (e *ReadOnlyError) As(target any) bool { return asAncestor(target, e.Msg, nil, true) }

// asAncestor is the one mechanism behind Python's exception hierarchy
// here, error > abort > readonly: an error of a subclass answers
// errors.As for each of its ancestors with a copy of itself as that
// ancestor, with the same Msg and cause. A target of *AbortError is filled
// only when abort is an ancestor (for a *ReadOnlyError).
func asAncestor(target any, msg string, cause error, abort bool) bool {
	switch t := target.(type) {
	case **Error:
		*t = &Error{Msg: msg, Err: cause}
		return true
	case **AbortError:
		if abort {
			*t = &AbortError{Msg: msg, Err: cause}
			return true
		}
	}
	return false
}

// ArgumentError reports bad input from the caller, where Python raises
// ValueError, TypeError, KeyError, IndexError, UnicodeEncodeError and the
// like. Nothing was sent to the server.
type ArgumentError struct {
	// Func is the method or function, e.g. "Select".
	Func string
	// Arg is the argument at fault, e.g. "mailbox"; it may be empty.
	Arg string
	// Msg is CPython's text where CPython has one.
	Msg string
	// Python is the exception CPython raises for the same input, so that
	// a ported "except ValueError:" keeps its meaning. Where CPython
	// accepts the input and Go does not (a nil callback, say), it is the
	// exception Python raises for the nearest mistake.
	Python PyException
}

// PyException names a Python built-in exception class.
type PyException string

// The Python exceptions an *ArgumentError stands for.
const (
	ValueError         PyException = "ValueError"
	TypeError          PyException = "TypeError"
	KeyError           PyException = "KeyError"
	IndexError         PyException = "IndexError"
	LookupError        PyException = "LookupError"
	UnicodeEncodeError PyException = "UnicodeEncodeError"
	OverflowError      PyException = "OverflowError"
	OSError            PyException = "OSError"
)

// Error returns Msg, CPython's text where CPython has one.
func (e *ArgumentError) Error() string { return e.Msg }

// LimitError reports that the server exceeded one of the per-connection
// limits (line length, literal size, untagged store size). It is the cause
// (Err) of the *Error or *AbortError that the command returns, so
// errors.As(err, new(*LimitError)) tells a limit from other failures.
type LimitError struct {
	Limit string // "line length", "literal size", "untagged responses"
	Max   int64  // the limit in force
	Got   int64  // what the server tried to send, when known (0 otherwise)
}

// Error names the limit, its value and, when known, what the server sent.
func (e *LimitError) Error() string {
	if e.Got > 0 {
		return fmt.Sprintf("imaplib: %s limit %d exceeded (server sent %d)", e.Limit, e.Max, e.Got)
	}
	return fmt.Sprintf("imaplib: %s limit %d exceeded", e.Limit, e.Max)
}
