// Seed writes benchmark messages straight into a Maildir++ folder.
//
// Usage:
//
//	seed -maildir DIR -folder NAME -count N -size BYTES [-kind text|base64] [-uid U -gid G]
//
// Each message is a file in DIR/.NAME/cur whose name ends in ":2,S", so it
// is already \Seen, and carries ",S=" and ",W=" sizes so that Dovecot need
// not read it to learn them. Lines end in CRLF, so the physical and the
// RFC 822 sizes are equal. A text message is text/plain of about BYTES
// bytes (BYTES to BYTES+63); a base64 message is application/octet-stream
// of exactly BYTES bytes. The contents come from a fixed seed, so every run
// writes the same bytes. With -uid and -gid the folder and its files are
// given to that owner, for a server that reads mail as another user.
package main

import (
	"bufio"
	"encoding/base64"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

var (
	maildir = flag.String("maildir", "", "Maildir `directory` (the INBOX)")
	folder  = flag.String("folder", "", "folder `name` to create under the Maildir")
	count   = flag.Int("count", 0, "number of messages")
	size    = flag.Int("size", 4096, "approximate message size in `bytes`")
	kind    = flag.String("kind", "text", "message body: text or base64")
	uid     = flag.Int("uid", -1, "owner `uid` of the new files (-1: unchanged)")
	gid     = flag.Int("gid", -1, "owner `gid` of the new files (-1: unchanged)")
)

// words feed the text bodies.
var words = []string{
	"imap", "mailbox", "message", "literal", "server", "client", "fetch",
	"search", "select", "folder", "header", "body", "envelope", "flag",
	"seen", "answered", "draft", "deleted", "recent", "quota", "the", "a",
	"of", "and", "to", "in", "is", "that", "for", "on", "with", "as",
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("seed: ")
	flag.Parse()
	if *maildir == "" || *folder == "" || *count <= 0 || *size <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *kind != "text" && *kind != "base64" {
		log.Fatalf("unknown -kind %q", *kind)
	}
	dir := filepath.Join(*maildir, "."+*folder)
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			log.Fatal(err)
		}
		chown(filepath.Join(dir, sub))
	}
	rng := rand.New(rand.NewPCG(uint64(*count), uint64(*size)))
	w := bufio.NewWriterSize(nil, 1<<16)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var total int64
	for i := 1; i <= *count; i++ {
		var msg []byte
		if *kind == "text" {
			msg = textMessage(rng, i, base)
		} else {
			msg = base64Message(rng, i, base)
		}
		name := fmt.Sprintf("%d.M%dP%d.imapbench,S=%d,W=%d:2,S",
			base.Unix()+int64(i), i, os.Getpid(), len(msg), len(msg))
		path := filepath.Join(dir, "cur", name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			log.Fatal(err)
		}
		w.Reset(f)
		w.Write(msg)
		if err := w.Flush(); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
		chown(path)
		total += int64(len(msg))
	}
	fmt.Printf("folder=%s messages=%d bytes=%d\n", *folder, *count, total)
}

// chown gives path to -uid and -gid when they are set.
func chown(path string) {
	if *uid < 0 && *gid < 0 {
		return
	}
	if err := os.Chown(path, *uid, *gid); err != nil {
		log.Fatal(err)
	}
}

// header returns the header block of message i, blank line included.
func header(i int, base time.Time, contentType, encoding string) []byte {
	date := base.Add(time.Duration(i) * time.Minute).Format(time.RFC1123Z)
	b := make([]byte, 0, 512)
	b = fmt.Appendf(b, "Return-Path: <sender%d@example.org>\r\n", i%97)
	b = fmt.Appendf(b, "Message-ID: <%d.imapbench@example.org>\r\n", i)
	b = fmt.Appendf(b, "Date: %s\r\n", date)
	b = fmt.Appendf(b, "From: Sender %d <sender%d@example.org>\r\n", i%97, i%97)
	b = fmt.Appendf(b, "To: Alice <alice@example.org>\r\n")
	b = fmt.Appendf(b, "Subject: benchmark message %d\r\n", i)
	b = fmt.Appendf(b, "MIME-Version: 1.0\r\n")
	b = fmt.Appendf(b, "Content-Type: %s\r\n", contentType)
	b = fmt.Appendf(b, "Content-Transfer-Encoding: %s\r\n\r\n", encoding)
	return b
}

// textMessage returns a text/plain message of -size to -size+63 bytes.
func textMessage(rng *rand.Rand, i int, base time.Time) []byte {
	target := *size + rng.IntN(64)
	b := header(i, base, "text/plain; charset=us-ascii", "7bit")
	line := 0
	for len(b) < target {
		w := words[rng.IntN(len(words))]
		switch {
		case line == 0:
		case line+1+len(w) > 72:
			b = append(b, "\r\n"...)
			line = 0
		default:
			b = append(b, ' ')
			line++
		}
		b = append(b, w...)
		line += len(w)
	}
	b = append(b, "\r\n"...)
	if n := len(b); n > target+2 {
		// Cut the last line short to land near the target.
		b = append(b[:max(target-2, n-line-2)], "\r\n"...)
	}
	return b
}

// base64Message returns a message of exactly -size bytes whose body is
// random data in base64 lines of 76 characters. An X-Padding header field
// takes up the bytes that do not fill a whole line.
func base64Message(rng *rand.Rand, i int, base time.Time) []byte {
	const pad = "X-Padding: \r\n"
	h := header(i, base, "application/octet-stream; name=\"blob"+strconv.Itoa(i)+".bin\"", "base64")
	lines := (*size - len(h) - len(pad)) / 78
	if lines < 0 {
		log.Fatalf("-size %d is too small for a base64 message", *size)
	}
	b := make([]byte, 0, *size)
	b = append(b, h[:len(h)-2]...) // without the blank line
	b = append(b, "X-Padding: "...)
	for n := *size - len(h) - len(pad) - 78*lines; n > 0; n-- {
		b = append(b, 'x')
	}
	b = append(b, "\r\n\r\n"...)
	var raw [57]byte
	var enc [76]byte
	for range lines {
		for j := range raw {
			raw[j] = byte(rng.Uint32())
		}
		base64.StdEncoding.Encode(enc[:], raw[:])
		b = append(b, enc[:]...)
		b = append(b, "\r\n"...)
	}
	return b
}
