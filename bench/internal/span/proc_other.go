//go:build !linux

package span

import (
	"errors"
	"time"
)

var errUnsupported = errors.New("span: measured only on Linux")

func resetPeak() error                { return errUnsupported }
func status(string) (int64, error)    { return 0, errUnsupported }
func cpuTime() (time.Duration, error) { return 0, errUnsupported }
