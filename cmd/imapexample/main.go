// Command imapexample runs the example from Python's imaplib documentation
// with this package: connect, log in, select INBOX, search ALL and print
// every message fetched as RFC822.
//
// With no host given it starts an embedded in-memory IMAP server
// (imaplibtest) seeded with a few messages and runs against that:
//
//	go run ./cmd/imapexample
//
// To run against a real server, name it with flags or the environment
// (IMAP_HOST, IMAP_PORT, IMAP_USER, IMAP_PASSWORD, IMAP_SSL=1,
// IMAP_STARTTLS=1, IMAP_CAFILE):
//
//	IMAP_PASSWORD=secret go run ./cmd/imapexample -host imap.example.org -ssl -user alice
//
// A server whose certificate comes from a private CA is trusted with
// -cafile ca.pem (or IMAP_CAFILE): the CA certificates in the PEM file
// replace the system's roots for this connection. -h prints all of this.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"

	"github.com/goimaplib/imaplib"
	"github.com/goimaplib/imaplib/imaplibtest"
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

const usageText = `Usage: imapexample [flags]

Runs the example from Python's imaplib documentation with
github.com/goimaplib/imaplib: connect, log in, select INBOX, search ALL and
print every message. With no host it starts an embedded in-memory server
seeded with three messages and runs against that.

Flags:
`

const envText = `
Environment (a flag given on the command line wins):
  IMAP_HOST        server host name, as -host
  IMAP_PORT        port, as -port (default 143, or 993 with -ssl)
  IMAP_USER        user name, as -user
  IMAP_PASSWORD    password, as -password (the variable keeps it out of ps)
  IMAP_SSL=1       implicit TLS (IMAP4_SSL), as -ssl
  IMAP_STARTTLS=1  STARTTLS after connecting, as -starttls
  IMAP_CAFILE      PEM file of CA certificates to trust, as -cafile

TLS certificates are verified against the system's roots. For a server with
a certificate from a private CA, give that CA's certificate in PEM form:

  IMAP_PASSWORD=secret imapexample -host imap.internal -ssl -user alice -cafile ca.pem

The file's certificates then replace the system's roots. The host name is
still checked against the certificate.
`

// options is what the flags and the environment ask for.
type options struct {
	host, user, password, cafile string
	port                         int
	ssl, starttls                bool
}

// realMain is main with its arguments and output given, so that tests run
// it in-process. It returns the exit status: 0, 1 on failure, 2 for bad
// usage.
func realMain(args []string, stdout, stderr io.Writer) int {
	logger := log.New(stderr, "", 0)
	fs := flag.NewFlagSet("imapexample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), envText)
	}
	// The environment is applied after parsing, not as the flags'
	// defaults, so that -h never prints a password found there.
	var o options
	fs.StringVar(&o.host, "host", "", "IMAP server; none runs an embedded one")
	fs.IntVar(&o.port, "port", 0, "port (0: 143, or 993 with -ssl)")
	fs.BoolVar(&o.ssl, "ssl", false, "connect with implicit TLS (IMAP4_SSL)")
	fs.BoolVar(&o.starttls, "starttls", false, "upgrade a plain connection with STARTTLS")
	fs.StringVar(&o.cafile, "cafile", "", "PEM `file` of CA certificates to trust instead of the system's")
	fs.StringVar(&o.user, "user", "", "user name")
	fs.StringVar(&o.password, "password", "", "password (prefer IMAP_PASSWORD)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		logger.Printf("unexpected arguments: %q", fs.Args())
		fs.Usage()
		return 2
	}
	if err := fromEnv(fs, &o); err != nil {
		logger.Print(err)
		return 2
	}
	if o.ssl && o.starttls {
		logger.Print("-ssl and -starttls exclude each other")
		return 2
	}

	if o.host == "" {
		srv, err := startEmbedded()
		if err != nil {
			logger.Printf("embedded server: %v", err)
			return 1
		}
		defer srv.Close()
		o.host, o.port, o.user, o.password = srv.Host, srv.Port, "alice", "pass-alice"
		fmt.Fprintf(stdout, "(embedded in-memory server on %s)\n", srv.Addr())
	}
	var opts []imaplib.Option
	if o.cafile != "" {
		cfg, err := trustFile(o.cafile)
		if err != nil {
			logger.Print(err)
			return 1
		}
		opts = append(opts, imaplib.WithTLSConfig(cfg))
	}
	if err := run(stdout, o, opts...); err != nil {
		logger.Print(err)
		return 1
	}
	return 0
}

// fromEnv fills in what the command line left unset from the
// environment.
func fromEnv(fs *flag.FlagSet, o *options) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, v := range []struct {
		flag, env string
		dst       *string
	}{
		{"host", "IMAP_HOST", &o.host}, {"user", "IMAP_USER", &o.user},
		{"password", "IMAP_PASSWORD", &o.password}, {"cafile", "IMAP_CAFILE", &o.cafile},
	} {
		if !set[v.flag] {
			*v.dst = os.Getenv(v.env)
		}
	}
	if v := os.Getenv("IMAP_PORT"); !set["port"] && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("IMAP_PORT: %v", err)
		}
		o.port = n
	}
	if !set["ssl"] {
		o.ssl = os.Getenv("IMAP_SSL") == "1"
	}
	if !set["starttls"] {
		o.starttls = os.Getenv("IMAP_STARTTLS") == "1"
	}
	return nil
}

// trustFile returns a TLS configuration whose roots are the certificates
// in the PEM file at path: what Python's
// ssl.create_default_context(cafile=path) gives IMAP4_SSL.
func trustFile(path string) (*tls.Config, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-cafile: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("-cafile: no PEM certificate in %s", path)
	}
	return &tls.Config{RootCAs: pool}, nil
}

// run is the Python documentation's example, line for line:
//
//	M = imaplib.IMAP4(host)
//	M.login(user, password)
//	M.select()
//	typ, data = M.search(None, 'ALL')
//	for num in data[0].split():
//	    typ, data = M.fetch(num, '(RFC822)')
//	    print('Message %s\n%s\n' % (num, data[0][1]))
//	M.close()
//	M.logout()
//
// Check turns a NO, which Python leaves in typ, into an error.
func run(out io.Writer, o options, opts ...imaplib.Option) error {
	connect := imaplib.New
	if o.ssl {
		connect = imaplib.IMAP4_SSL
	}
	M, err := connect(o.host, o.port, opts...)
	if err != nil {
		return err
	}
	defer M.Logout()
	if o.starttls {
		// nil: the configuration given with WithTLSConfig, or the
		// verifying default.
		if _, err := imaplib.Check(M.Starttls(nil)); err != nil {
			return err
		}
	}
	if _, err := imaplib.Check(M.Login(o.user, o.password)); err != nil {
		return err
	}
	if _, err := imaplib.Check(M.Select("", false)); err != nil {
		return err
	}
	data, err := imaplib.Check(M.Search("", "ALL"))
	if err != nil {
		return err
	}
	for _, num := range bytes.Fields(data[0].Bytes) {
		data, err := imaplib.Check(M.Fetch(string(num), "(RFC822)"))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Message %s\n%s\n", num, data[0].Literal)
	}
	if _, err := imaplib.Check(M.Close()); err != nil {
		return err
	}
	_, err = imaplib.Check(M.Logout())
	return err
}

// startEmbedded starts the in-memory server with alice's three messages.
func startEmbedded() (*imaplibtest.Server, error) {
	srv := imaplibtest.NewServer(imaplibtest.User("alice", "pass-alice"))
	for i, subject := range []string{"Hello from imaplib for Go", "Second message", "Третье письмо"} {
		msg := fmt.Sprintf("From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\n"+
			"Subject: %s\r\nMessage-ID: <%d@example.org>\r\n\r\nMessage number %d.\r\n", subject, i+1, i+1)
		if err := srv.AddMessage("alice", "INBOX", []byte(msg)); err != nil {
			srv.Close()
			return nil, err
		}
	}
	return srv, nil
}
