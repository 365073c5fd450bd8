// Real IMAP servers for the tests.
//
// needDovecot and needCyrus start a private server on 127.0.0.1 the first
// time a test of the package asks for one, using the scripts in
// testdata/dovecot and testdata/cyrus, and stop it once all tests of the
// package have run. A test that needs a server skips when the server is not
// installed, unless IMAPLIB_REQUIRE_DOVECOT=1 or IMAPLIB_REQUIRE_CYRUS=1 is
// set (as CI does); then it fails. testdata/install-servers.sh installs both.
//
// Each test should work as a user of its own (NewUser), so that tests can run
// in parallel and never see each other's mail.

package imaplib

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// labServer is what both test servers have in common.
type labServer struct {
	Host    string         // "127.0.0.1"
	Port    int            // plain IMAP; STARTTLS is offered
	TLSPort int            // implicit TLS (IMAPS)
	CAFile  string         // PEM file of the test CA that signed the server's certificate
	RootCAs *x509.CertPool // holds only the test CA
	Dir     string         // the server's private directory: config, mail, logs
	PID     int            // the server's master process
	LogFile string         // the server's log

	wrongCert, wrongKey         string
	untrustedCert, untrustedKey string
	users                       atomic.Int64 // users made by NewUser so far
}

// Addr returns the host:port of the plain IMAP port.
func (s *labServer) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// TLSAddr returns the host:port of the implicit-TLS port.
func (s *labServer) TLSAddr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.TLSPort)) }

// TLSConfig returns a new *tls.Config that trusts only the test CA and
// expects the name "localhost", which the server's certificate carries.
func (s *labServer) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: "localhost"}
}

// WrongNameCert returns the PEM files of a certificate and key that the test
// CA signed for wrong.example only: a client that trusts the CA and checks
// the name "localhost" must refuse a server that presents it.
func (s *labServer) WrongNameCert() (certFile, keyFile string) {
	return s.wrongCert, s.wrongKey
}

// UntrustedCert returns the PEM files of a self-signed certificate and key for
// localhost and 127.0.0.1: a client that trusts only the test CA must refuse
// a server that presents it.
func (s *labServer) UntrustedCert() (certFile, keyFile string) {
	return s.untrustedCert, s.untrustedKey
}

// nextUser returns a user name that no other call has returned.
func (s *labServer) nextUser() string {
	return fmt.Sprintf("u%03d", s.users.Add(1))
}

// Log returns the server's log, for failure messages.
func (s *labServer) Log() string {
	b, err := os.ReadFile(s.LogFile)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// A dovecotLab is a running Dovecot 2.3 started by testdata/dovecot/start.sh,
// with the quota, acl and imap_metadata plugins. Users alice/pass-alice and
// bob/pass-bob exist from the start; NewUser adds more. Failed logins are
// answered at once and do not slow down later ones.
type dovecotLab struct {
	labServer
	Conf string // dovecot.conf

	passwdDir        string
	mailUID, mailGID int
	imapBin          string
}

// NewUser adds a user with an empty INBOX, whom no other caller shares, and
// returns its name and password. The user can log in at once.
func (d *dovecotLab) NewUser(t testing.TB) (user, password string) {
	t.Helper()
	return d.NewUserWith(t, "")
}

// NewUserWith is NewUser with userdb extra fields for the user, such as
// "quota_rule=*:storage=1K".
func (d *dovecotLab) NewUserWith(t testing.TB, extra string) (user, password string) {
	t.Helper()
	user = d.nextUser()
	password = "pass-" + user
	// The home must belong to the user that mail processes run as; Dovecot
	// makes the Maildir, with an empty INBOX, at the first login.
	home := filepath.Join(d.Dir, "home", user)
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatalf("dovecot NewUser: %v", err)
	}
	if err := os.Chown(home, d.mailUID, d.mailGID); err != nil {
		t.Fatalf("dovecot NewUser: %v", err)
	}
	// One passwd-file per user: see testdata/dovecot/start.sh for why.
	// Written aside and renamed, so that Dovecot never reads half a line.
	line := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s::%s\n", user, password, d.mailUID, d.mailGID, home, extra)
	tmp := filepath.Join(d.passwdDir, "."+user)
	if err := os.WriteFile(tmp, []byte(line), 0o644); err != nil {
		t.Fatalf("dovecot NewUser: %v", err)
	}
	if err := os.Rename(tmp, filepath.Join(d.passwdDir, user)); err != nil {
		t.Fatalf("dovecot NewUser: %v", err)
	}
	return user, password
}

// StreamCommand returns a shell command for IMAP4_stream that runs Dovecot's
// imap on its stdin and stdout, already logged in as user (it greets with
// PREAUTH). The user must exist; its stderr goes to /dev/null.
func (d *dovecotLab) StreamCommand(user string) string {
	return fmt.Sprintf("%s -c %s -u %s 2>/dev/null", labShellQuote(d.imapBin), labShellQuote(d.Conf), labShellQuote(user))
}

// A cyrusLab is a running Cyrus IMAP 3 started by testdata/cyrus/start.sh.
// Users alice/pass-alice and bob/pass-bob have INBOXes from the start;
// NewUser adds more. Admin may create user/NAME mailboxes, and set quotas and
// ACLs on any mailbox. The legacy ANNOTATEMORE commands are enabled.
type cyrusLab struct {
	labServer
	Admin, AdminPassword string

	sasldb, realm        string
	sasldbUID, sasldbGID int
	sasldbMu             sync.Mutex // serializes changes to sasldb
}

// NewUser adds a user with an empty INBOX, whom no other caller shares, and
// returns its name and password. The user can log in at once.
func (c *cyrusLab) NewUser(t testing.TB) (user, password string) {
	t.Helper()
	user = c.nextUser()
	password = "pass-" + user
	if err := c.addSASLUser(user, password); err != nil {
		t.Fatalf("cyrus NewUser: %v", err)
	}
	// Cyrus makes no INBOX by itself; the admin does.
	if err := labAdminCommands(c.Addr(), c.Admin, c.AdminPassword, "CREATE user/"+user); err != nil {
		t.Fatalf("cyrus NewUser: %v", err)
	}
	return user, password
}

// addSASLUser adds a user to the sasldb. The sasldb is a Berkeley DB file
// without locking that Cyrus opens afresh for every login, so a login must
// never see it half written: saslpasswd2 changes a copy, which then replaces
// the original in one rename.
func (c *cyrusLab) addSASLUser(user, password string) error {
	c.sasldbMu.Lock()
	defer c.sasldbMu.Unlock()
	db, err := os.ReadFile(c.sasldb)
	if err != nil {
		return err
	}
	tmp := c.sasldb + ".new"
	if err := os.WriteFile(tmp, db, 0o600); err != nil {
		return err
	}
	defer os.Remove(tmp) // if anything fails
	cmd := exec.Command("saslpasswd2", "-f", tmp, "-u", c.realm, "-p", "-c", user)
	cmd.Stdin = strings.NewReader(password)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("saslpasswd2: %v\n%s", err, out)
	}
	if err := os.Chown(tmp, c.sasldbUID, c.sasldbGID); err != nil {
		return err
	}
	return os.Rename(tmp, c.sasldb)
}

var (
	labDovecotOnce sync.Once
	labDovecot     *dovecotLab
	labDovecotSkip string // why the tests skip: the server is not installed
	labDovecotErr  error  // why the server did not start

	labCyrusOnce sync.Once
	labCyrus     *cyrusLab
	labCyrusSkip string
	labCyrusErr  error
)

// needDovecot returns the package's Dovecot, starting it on first use. It
// skips the test when Dovecot is not installed, or fails it if
// IMAPLIB_REQUIRE_DOVECOT=1; it fails the test if Dovecot did not start.
func needDovecot(t testing.TB) *dovecotLab {
	t.Helper()
	labDovecotOnce.Do(func() { labDovecot, labDovecotSkip, labDovecotErr = labStartDovecot(t) })
	labCheck(t, "IMAPLIB_REQUIRE_DOVECOT", labDovecotSkip, labDovecotErr)
	return labDovecot
}

// needCyrus is needDovecot for Cyrus, with IMAPLIB_REQUIRE_CYRUS. Cyrus must
// be started as root; for anyone else the tests skip.
func needCyrus(t testing.TB) *cyrusLab {
	t.Helper()
	labCyrusOnce.Do(func() { labCyrus, labCyrusSkip, labCyrusErr = labStartCyrus(t) })
	labCheck(t, "IMAPLIB_REQUIRE_CYRUS", labCyrusSkip, labCyrusErr)
	return labCyrus
}

func labCheck(t testing.TB, requireVar, skip string, err error) {
	t.Helper()
	if skip != "" {
		if os.Getenv(requireVar) == "1" {
			t.Fatalf("%s=1, but %s", requireVar, skip)
		}
		t.Skipf("%s (with %s=1 this is a failure)", skip, requireVar)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func labStartDovecot(t testing.TB) (_ *dovecotLab, skip string, _ error) {
	if runtime.GOOS != "linux" {
		return nil, "the Dovecot tests run on Linux only", nil
	}
	for _, prog := range []string{"bash", "openssl", "dovecot", "/usr/lib/dovecot/imap"} {
		if _, err := labLookPath(prog); err != nil {
			return nil, "Dovecot is not installed (testdata/install-servers.sh installs it): " + err.Error(), nil
		}
	}
	v, err := labStart(t, "dovecot", "testdata/dovecot/start.sh", "testdata/dovecot/stop.sh", "DOVECOT_DIR")
	if err != nil {
		return nil, "", err
	}
	d := &dovecotLab{
		Conf:      v.str("DOVECOT_CONF"),
		passwdDir: v.str("DOVECOT_PASSWD_DIR"),
		mailUID:   v.int("DOVECOT_MAIL_UID"),
		mailGID:   v.int("DOVECOT_MAIL_GID"),
		imapBin:   v.str("DOVECOT_IMAP"),
	}
	d.labServer.init(v, "DOVECOT_")
	return d, "", v.err
}

func labStartCyrus(t testing.TB) (_ *cyrusLab, skip string, _ error) {
	if runtime.GOOS != "linux" {
		return nil, "the Cyrus tests run on Linux only", nil
	}
	for _, prog := range []string{"bash", "openssl", "saslpasswd2", "/usr/lib/cyrus/bin/master"} {
		if _, err := labLookPath(prog); err != nil {
			return nil, "Cyrus is not installed (testdata/install-servers.sh installs it): " + err.Error(), nil
		}
	}
	if os.Geteuid() != 0 {
		return nil, "Cyrus can only be started as root", nil
	}
	v, err := labStart(t, "cyrus", "testdata/cyrus/start.sh", "testdata/cyrus/stop.sh", "CYRUS_DIR")
	if err != nil {
		return nil, "", err
	}
	c := &cyrusLab{
		Admin:         v.str("CYRUS_ADMIN"),
		AdminPassword: v.str("CYRUS_ADMIN_PASSWORD"),
		sasldb:        v.str("CYRUS_SASLDB"),
		sasldbUID:     v.int("CYRUS_SASLDB_UID"),
		sasldbGID:     v.int("CYRUS_SASLDB_GID"),
		realm:         v.str("CYRUS_REALM"),
	}
	c.labServer.init(v, "CYRUS_")
	return c, "", v.err
}

// labLookPath is exec.LookPath that also looks in the sbin directories, which
// a normal user's PATH often lacks.
func labLookPath(prog string) (string, error) {
	if p, err := exec.LookPath(prog); err == nil || strings.Contains(prog, "/") {
		return p, err
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if p, err := exec.LookPath(filepath.Join(dir, prog)); err == nil {
			return p, nil
		}
	}
	return exec.LookPath(prog) // for its error
}

// labStart runs a start script and returns the KEY=VALUE lines it prints.
// Once it has succeeded, the stop script runs with the value of dirKey at
// package exit. The scripts get LAB_OWNER_PID, so that the server stops even
// if this process dies before package exit (see testdata/watch.sh).
func labStart(t testing.TB, name, startScript, stopScript, dirKey string) (*labVars, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", startScript)
	cmd.Env = append(os.Environ(), "LAB_OWNER_PID="+strconv.Itoa(os.Getpid()))
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// Should a daemon ever keep our pipes open, do not wait for it forever.
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("starting %s: %s: %v\n%s", name, startScript, err, stderr.Bytes())
	}
	v := labParseVars(stdout.Bytes())
	if dir := v.m[dirKey]; dir != "" {
		atPackageExit(func() { labStop(name, stopScript, dir) })
	}
	if v.str(dirKey); v.err != nil {
		return nil, fmt.Errorf("starting %s: %s printed %q: %v", name, startScript, stdout.Bytes(), v.err)
	}
	t.Logf("%s started in %v", name, time.Since(start).Round(time.Millisecond))
	return v, nil
}

// labStop runs a stop script; a failure is reported on stderr, since no test
// is left to fail by then.
func labStop(name, stopScript, dir string) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", stopScript, dir)
	cmd.WaitDelay = 10 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "stopping %s: %s %s: %v\n%s", name, stopScript, dir, err, out)
		return
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "%s: stopped in %v\n", name, time.Since(start).Round(time.Millisecond))
	}
}

// labVars holds the KEY='VALUE' lines of a start script. The first missing
// or malformed value is kept in err.
type labVars struct {
	m   map[string]string
	err error
}

func labParseVars(out []byte) *labVars {
	v := &labVars{m: make(map[string]string)}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		if len(val) >= 2 && val[0] == '\'' && val[len(val)-1] == '\'' {
			val = val[1 : len(val)-1]
		}
		v.m[key] = val
	}
	return v
}

func (v *labVars) str(key string) string {
	val, ok := v.m[key]
	if !ok && v.err == nil {
		v.err = fmt.Errorf("no %s", key)
	}
	return val
}

func (v *labVars) int(key string) int {
	s := v.str(key)
	n, err := strconv.Atoi(s)
	if err != nil && v.err == nil {
		v.err = fmt.Errorf("%s=%q: %v", key, s, err)
	}
	return n
}

// init fills s from the start script's variables named prefix+KEY.
func (s *labServer) init(v *labVars, prefix string) {
	s.Host = v.str(prefix + "HOST")
	s.Port = v.int(prefix + "PORT")
	s.TLSPort = v.int(prefix + "TLS_PORT")
	s.CAFile = v.str(prefix + "CA")
	s.Dir = v.str(prefix + "DIR")
	s.PID = v.int(prefix + "PID")
	s.LogFile = v.str(prefix + "LOG")
	s.wrongCert = v.str(prefix + "WRONG_CERT")
	s.wrongKey = v.str(prefix + "WRONG_KEY")
	s.untrustedCert = v.str(prefix + "UNTRUSTED_CERT")
	s.untrustedKey = v.str(prefix + "UNTRUSTED_KEY")
	if v.err != nil {
		return
	}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		v.err = err
		return
	}
	s.RootCAs = x509.NewCertPool()
	if !s.RootCAs.AppendCertsFromPEM(pem) {
		v.err = fmt.Errorf("%s: no certificate", s.CAFile)
	}
}

// labAdminCommands logs in to the IMAP server at addr over a raw connection
// and runs each command, which must be simple (no literals) and answer OK.
func labAdminCommands(addr, user, password string, cmds ...string) error {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(conn)
	if _, err := r.ReadString('\n'); err != nil { // greeting
		return err
	}
	cmds = append([]string{"LOGIN " + labIMAPQuote(user) + " " + labIMAPQuote(password)}, cmds...)
	cmds = append(cmds, "LOGOUT")
	for i, cmd := range cmds {
		tag := fmt.Sprintf("a%d", i+1)
		if _, err := fmt.Fprintf(conn, "%s %s\r\n", tag, cmd); err != nil {
			return err
		}
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return fmt.Errorf("%s: %v", cmd, err)
			}
			if rest, ok := strings.CutPrefix(line, tag+" "); ok {
				if !strings.HasPrefix(rest, "OK") {
					return fmt.Errorf("%s: %s", cmd, strings.TrimRight(line, "\r\n"))
				}
				break
			}
		}
	}
	return nil
}

// labIMAPQuote returns s as an IMAP quoted string.
func labIMAPQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// labShellQuote quotes s for sh.
func labShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
