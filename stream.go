package imaplib

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"time"
)

// IMAP4_stream runs command with /bin/sh -c and talks IMAP over its
// standard input and output, as Python's IMAP4_stream (for example
// "ssh mailhost /usr/lib/dovecot/imap"). The child's standard error is
// the caller's. Shutdown and Logout close the pipes and reap the child,
// killing it if it has not exited within a few seconds.
func IMAP4_stream(command string, opts ...Option) (*IMAP4, error) {
	m, err := newIMAP4("", 0, 0, opts)
	if err != nil {
		return nil, err
	}
	m.stream = command
	err = m.connect(func(context.Context) error {
		p, err := startStream(command)
		if err != nil {
			return err
		}
		m.e.attach(p, nil, nil, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// streamProcess is the child of IMAP4_stream seen as a transport: reads
// come from its stdout, writes go to its stdin.
type streamProcess struct {
	cmd    *exec.Cmd
	stdin  *os.File // our end of the child's standard input
	stdout *os.File // our end of the child's standard output
}

func startStream(command string) (*streamProcess, error) {
	// os.Pipe files go through the runtime poller, so read deadlines work
	// on them; exec's own pipes would need copying goroutines.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, os.Stderr
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, err
	}
	return &streamProcess{cmd: cmd, stdin: inW, stdout: outR}, nil
}

func (p *streamProcess) Read(b []byte) (int, error)  { return p.stdout.Read(b) }
func (p *streamProcess) Write(b []byte) (int, error) { return p.stdin.Write(b) }

func (p *streamProcess) SetReadDeadline(t time.Time) error  { return p.stdout.SetReadDeadline(t) }
func (p *streamProcess) SetWriteDeadline(t time.Time) error { return p.stdin.SetWriteDeadline(t) }

// Close closes both pipes without waiting for the child.
func (p *streamProcess) Close() error {
	return errors.Join(p.stdin.Close(), p.stdout.Close())
}

// streamExitGrace is how long a child may take to exit after its input is
// closed before it is killed.
var streamExitGrace = 5 * time.Second

// close closes the pipes and reaps the child, so that none is left behind.
func (p *streamProcess) close() error {
	err := p.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	t := time.NewTimer(streamExitGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		_ = p.cmd.Process.Kill()
		<-done
	}
	return err
}
