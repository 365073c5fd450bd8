package imaplib

// Cyrus IMAP has what Dovecot lacks: the ANNOTATEMORE commands
// (GETANNOTATION and SETANNOTATION, imaplib's getannotation and
// setannotation), and an admin who sets quotas and ACLs on other users'
// mailboxes. These tests run them against the package's Cyrus (needCyrus,
// which skips visibly when Cyrus is not installed unless
// IMAPLIB_REQUIRE_CYRUS=1), checking the data each returns.

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

// cyLogin connects over plain TCP and logs in; the connection is shut down
// when the test ends if it did not log out.
func cyLogin(t *testing.T, lab *cyrusLab, user, pass string) *IMAP4 {
	t.Helper()
	m, err := New(lab.Host, lab.Port, WithTimeout(30*time.Second))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { m.Shutdown() })
	dvOK(t, "Login "+user)(m.Login(user, pass))
	return m
}

func cyLogout(t *testing.T, m *IMAP4) {
	t.Helper()
	typ, data, err := m.Logout()
	if err != nil || typ != "BYE" {
		t.Errorf("Logout = %s, %v", Repr(typ, data), err)
	}
}

// TestCyrusAnnotations sets and reads a mailbox annotation with the legacy
// ANNOTATEMORE commands, as a user on their own INBOX.
func TestCyrusAnnotations(t *testing.T) {
	t.Parallel()
	lab := needCyrus(t)
	user, pass := lab.NewUser(t)
	m := cyLogin(t, lab, user, pass)
	if !slices.Contains(m.Capabilities(), "ANNOTATEMORE") {
		t.Errorf("no ANNOTATEMORE after login: %v", m.Capabilities())
	}
	dvWant(t, "Getannotation before", `('OK', [b'INBOX "/comment" ("value.shared" NIL)'])`)(m.Getannotation("INBOX", `"/comment"`, `"value.shared"`))
	dvWant(t, "Setannotation", "('OK', [None])")(m.Setannotation("INBOX", `"/comment"`, `("value.shared" "x")`))
	dvWant(t, "Getannotation", `('OK', [b'INBOX "/comment" ("value.shared" "x")'])`)(m.Getannotation("INBOX", `"/comment"`, `"value.shared"`))
	// A value with quotes and a backslash, on a mailbox whose name needs
	// quoting: Cyrus sends such a value back as a literal.
	dvOK(t, "Create")(m.Create("Notes and more"))
	dvOK(t, "Setannotation")(m.Setannotation("Notes and more", `"/comment"`, `("value.shared" "say \"hi\" \\ bye")`))
	dvWant(t, "Getannotation quoted", `('OK', [(b'"Notes and more" "/comment" ("value.shared" {14}', b'say "hi" \\ bye'), b')'])`)(m.Getannotation("Notes and more", `"/comment"`, `"value.shared"`))
	// Patterns: every mailbox, every attribute of the entry.
	dvWant(t, "Getannotation *", `('OK', [b'INBOX "/comment" ("value.shared" "x")', (b'"Notes and more" "/comment" ("value.shared" {14}', b'say "hi" \\ bye'), b')'])`)(m.Getannotation("*", `"/comment"`, `"value.shared"`))
	data := dvOK(t, "Getannotation value.*")(m.Getannotation("INBOX", `"/comment"`, `"value.*"`))
	if got := dvBytes(data); !strings.HasPrefix(got, `INBOX "/comment" ("value.shared" "x"`) {
		t.Errorf("Getannotation value.* = %s", Repr("OK", data))
	}
	// The same value is visible through METADATA.
	dvOK(t, "GETMETADATA")(m.Xatom("GETMETADATA", "INBOX", "/shared/comment"))
	if typ, data := m.Response("METADATA"); Repr(typ, data) != `('METADATA', [b'INBOX ("/shared/comment" "x")'])` {
		t.Errorf("Response(METADATA) = %s", Repr(typ, data))
	}
	// Removing it: NIL.
	dvOK(t, "Setannotation NIL")(m.Setannotation("INBOX", `"/comment"`, `("value.shared" NIL)`))
	dvWant(t, "Getannotation after NIL", `('OK', [b'INBOX "/comment" ("value.shared" NIL)'])`)(m.Getannotation("INBOX", `"/comment"`, `"value.shared"`))
	// A mailbox that does not exist: NO is returned, as by CPython.
	typ, data, err := m.Setannotation("Nonexistent", `"/comment"`, `("value.shared" "x")`)
	if err != nil || typ != "NO" {
		t.Errorf("Setannotation on a missing mailbox = %s, %v", Repr(typ, data), err)
	}
	cyLogout(t, m)
}

// TestCyrusAdmin has the admin set a quota and ACLs on another user's
// mailbox, and checks what that user and a second one see.
func TestCyrusAdmin(t *testing.T) {
	t.Parallel()
	lab := needCyrus(t)
	user, pass := lab.NewUser(t)
	user2, pass2 := lab.NewUser(t)
	admin := cyLogin(t, lab, lab.Admin, lab.AdminPassword)
	box := "user/" + user

	// Without a quota the user has no quota root.
	m := cyLogin(t, lab, user, pass)
	typ, lists, err := m.Getquotaroot("INBOX")
	if err != nil || ReprLists(typ, lists) != "('OK', [[b'INBOX'], [None]])" {
		t.Errorf("Getquotaroot without a quota = %s, %v", ReprLists(typ, lists), err)
	}
	dvWant(t, "Setquota as a user", "('NO', [b'Permission denied'])")(m.Setquota("INBOX", "(STORAGE 10)"))

	// SETQUOTA as admin (Cyrus sends no QUOTA back); the parentheses are
	// added.
	dvWant(t, "Setquota", "('OK', [None])")(admin.Setquota(box, "STORAGE 1024"))
	dvWant(t, "Getquota", "('OK', [b'"+box+" (STORAGE 0 1024)'])")(admin.Getquota(box))
	typ, lists, err = admin.Getquotaroot(box)
	if err != nil || ReprLists(typ, lists) != "('OK', [[b'"+box+" "+box+"'], [b'"+box+" (STORAGE 0 1024)']])" {
		t.Errorf("admin Getquotaroot = %s, %v", ReprLists(typ, lists), err)
	}
	// The user sees it, and it counts what they append (in KiB, rounded).
	dvOK(t, "Append")(m.Append("INBOX", "", nil, []byte("Subject: big\r\n\r\n"+strings.Repeat("y", 3000)+"\r\n")))
	typ, lists, err = m.Getquotaroot("INBOX")
	if err != nil || ReprLists(typ, lists) != "('OK', [[b'INBOX INBOX'], [b'INBOX (STORAGE 2 1024)']])" {
		t.Errorf("user Getquotaroot = %s, %v", ReprLists(typ, lists), err)
	}
	// A limit with two resources, then none.
	dvWant(t, "Setquota two", "('OK', [None])")(admin.Setquota(box, "(STORAGE 2048 MESSAGE 100)"))
	dvWant(t, "Getquota two", "('OK', [b'"+box+" (STORAGE 2 2048 MESSAGE 1 100)'])")(admin.Getquota(box))
	dvWant(t, "Setquota none", "('OK', [None])")(admin.Setquota(box, "()"))
	dvWant(t, "Getquota after removal", "('OK', [b'"+box+" ()'])")(admin.Getquota(box))

	// ACLs on another user's mailbox.
	data := dvOK(t, "Getacl")(admin.Getacl(box))
	if got := dvBytes(data); got != box+" "+user+" lrswipkxtecdan" {
		t.Errorf("Getacl = %s", Repr("OK", data))
	}
	dvOK(t, "Setacl")(admin.Setacl(box, user2, "lr"))
	data = dvOK(t, "Getacl")(admin.Getacl(box))
	if got := dvBytes(data); got != box+" "+user+" lrswipkxtecdan "+user2+" lr" {
		t.Errorf("Getacl after Setacl = %s", Repr("OK", data))
	}
	// The second user now sees the first one's INBOX and may read it.
	m2 := cyLogin(t, lab, user2, pass2)
	shared := "Other Users/" + user
	_, names := dvListed(t, dvOK(t, "List")(m2.List("", "Other Users/*")))
	if !slices.Equal(names, []string{shared}) {
		t.Errorf("List as %s = %q, want %q", user2, names, shared)
	}
	dvWant(t, "Myrights", "('OK', [b'\""+shared+"\" lr'])")(m2.Myrights(shared))
	if data := dvOK(t, "Examine")(m2.Select(shared, true)); dvBytes(data) != "1" {
		t.Errorf("Examine %q = %s", shared, Repr("OK", data))
	}
	lits := dvLiterals(dvOK(t, "Fetch")(m2.Fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")))
	if len(lits) != 1 || string(lits[0]) != "Subject: big\r\n\r\n" {
		t.Errorf("Fetch as %s = %q", user2, lits)
	}
	typ, data, err = m2.Store("1", "+FLAGS", `\Deleted`)
	if err != nil || typ != "NO" {
		t.Errorf("Store without the right = %s, %v", Repr(typ, data), err)
	}
	dvOK(t, "Close")(m2.Close())
	dvOK(t, "Deleteacl")(admin.Deleteacl(box, user2))
	data = dvOK(t, "Getacl")(admin.Getacl(box))
	if got := dvBytes(data); got != box+" "+user+" lrswipkxtecdan" {
		t.Errorf("Getacl after Deleteacl = %s", Repr("OK", data))
	}
	dvWant(t, "List after Deleteacl", "('OK', [None])")(m2.List("", "Other Users/*"))
	dvWant(t, "Select after Deleteacl", "('NO', [b'Mailbox does not exist'])")(m2.Select(shared, true))
	// A user may not change ACLs of someone else's mailbox.
	typ, data, err = m2.Setacl(shared, user2, "lrswipkxtecdan")
	if err != nil || typ != "NO" {
		t.Errorf("Setacl by another user = %s, %v", Repr(typ, data), err)
	}
	cyLogout(t, m2)
	cyLogout(t, m)
	cyLogout(t, admin)
}

// TestCyrusBasics lists, selects and fetches on Cyrus: hard mailbox names,
// a literal round trip, FETCH of parts.
func TestCyrusBasics(t *testing.T) {
	t.Parallel()
	lab := needCyrus(t)
	user, pass := lab.NewUser(t)
	m := cyLogin(t, lab, user, pass)
	// Cyrus refuses '"', '\\', '%' and '{' in mailbox names.
	for _, name := range []string{`Quote"d`, `Back\slash`, "100% sure", "{Brace}"} {
		dvWant(t, "Create "+name, "('NO', [b'Invalid mailbox name'])")(m.Create(name))
	}
	names := []string{"With Space", "Star*Name", "Entwürfe", "Входящие", "A&B", "Ünï & Çødé"}
	for _, name := range names {
		dvOK(t, "Create "+name)(m.Create(name))
	}
	raw, decoded := dvListed(t, dvOK(t, "List")(m.List("", "*")))
	for _, name := range names {
		i := slices.Index(decoded, name)
		if i < 0 {
			t.Errorf("List: %q missing from %q", name, decoded)
			continue
		}
		if want := dvUTF7(t, name); raw[i] != want {
			t.Errorf("List: %q listed as %q, want %q", name, raw[i], want)
		}
	}
	msg := []byte("From: a@example.org\r\nSubject: cyrus\r\n\r\nbody {3}\r\nxyz\r\n")
	for _, name := range names {
		dvOK(t, "Append "+name)(m.Append(name, `\Flagged`, time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), msg))
		if data := dvOK(t, "Select "+name)(m.Select(name, false)); dvBytes(data) != "1" {
			t.Errorf("Select %q = %s", name, Repr("OK", data))
		}
		// Cyrus answers with the items in an order of its own.
		lits := dvLiterals(dvOK(t, "Fetch")(m.Fetch("1", "(BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (SUBJECT)])")))
		slices.SortFunc(lits, func(a, b []byte) int { return len(b) - len(a) })
		if len(lits) != 2 || !bytes.Equal(lits[0], msg) || string(lits[1]) != "Subject: cyrus\r\n\r\n" {
			t.Errorf("Fetch from %q = %q", name, lits)
		}
		data := dvOK(t, "Fetch flags")(m.Fetch("1", "(FLAGS INTERNALDATE)"))
		if got := dvFlags(t, data); got[1] != `\Flagged` {
			t.Errorf("flags in %q: %v", name, got)
		}
		if d, err := Internaldate2tuple(data[0].Bytes); err != nil || !d.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) {
			t.Errorf("INTERNALDATE in %q: %v, %v", name, d, err)
		}
		st := dvStatus(t, dvOK(t, "Status")(m.Status(name, "(MESSAGES UNSEEN)")))
		if st["MESSAGES"] != 1 || st["UNSEEN"] != 1 {
			t.Errorf("Status %q = %v", name, st)
		}
	}
	dvOK(t, "Close")(m.Close())
	dvWant(t, "Partial", "EXC error: command PARTIAL illegal in state AUTH, only allowed in states SELECTED")(m.Partial("1", "BODY[]", "0", "5"))
	dvOK(t, "Select")(m.Select("INBOX", false))
	_, _, err := m.Partial("1", "BODY[]", "0", "5")
	if err == nil || !strings.HasPrefix(err.Error(), "PARTIAL command error: BAD [b'") {
		t.Errorf("Partial: %v", err)
	}
	cyLogout(t, m)
}
