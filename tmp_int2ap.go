package imaplib

// Int2AP is a temporary stand-in until util.go lands.
func Int2AP(num int64) []byte {
	if num < 0 {
		num = -num
	}
	var out []byte
	for num > 0 {
		out = append([]byte{"ABCDEFGHIJKLMNOP"[num%16]}, out...)
		num /= 16
	}
	return out
}

// Time2Internaldate is a temporary stand-in until internaldate.go lands.
func Time2Internaldate(dateTime any) (string, error) {
	if s, ok := dateTime.(string); ok {
		return s, nil
	}
	return "", &ArgumentError{Func: "Time2Internaldate", Msg: "date_time not of a known type"}
}
