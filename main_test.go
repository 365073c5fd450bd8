package imaplib

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

var (
	pkgCleanupMu sync.Mutex
	pkgCleanups  []func()
)

// atPackageExit registers f to run once after every test of the package,
// for servers that are started once per run and shared.
func atPackageExit(f func()) {
	pkgCleanupMu.Lock()
	defer pkgCleanupMu.Unlock()
	pkgCleanups = append(pkgCleanups, f)
}

func runPackageCleanups() {
	pkgCleanupMu.Lock()
	defer pkgCleanupMu.Unlock()
	for i := len(pkgCleanups) - 1; i >= 0; i-- {
		pkgCleanups[i]()
	}
	pkgCleanups = nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	runPackageCleanups()
	// Every connection made by the tests has been logged out or shut down
	// by now: no goroutine of ours may remain.
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left behind:", err)
			code = 1
		}
	}
	os.Exit(code)
}
