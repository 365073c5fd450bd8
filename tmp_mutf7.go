package imaplib

// encodeMailboxUTF7 is a temporary stand-in until mutf7.go lands.
func encodeMailboxUTF7(s string) (string, error) { return s, nil }
