package clitest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Process is a CLI command running in the background, so that a test can
// signal it the way a CI runner or a person at a terminal does.
type Process struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	res            Result
	err            error
}

// Start runs the CLI with args in the background. The CLI leads a process
// group of its own, which its provider processes join, so that Cleanup can
// end what a killed CLI leaves running without touching anything else.
func (w *Workdir) Start(extraEnv []string, args ...string) (*Process, error) {
	// Not bound to a context: Wait and Cleanup end it.
	cmd := w.command(context.Background(), extraEnv, args)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &Process{cmd: cmd, done: make(chan struct{}), res: Result{Args: args}}
	cmd.Stdout, cmd.Stderr = &p.stdout, &p.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(p.done)
		err := cmd.Wait()
		p.res.Stdout, p.res.Stderr = p.stdout.String(), p.stderr.String()
		p.res.ExitCode = cmd.ProcessState.ExitCode()
		if err != nil {
			p.err = w.failed(p.res, err)
		}
	}()
	return p, nil
}

// Signal sends sig to the CLI process alone, as some CI runners do.
func (p *Process) Signal(sig syscall.Signal) error {
	return p.cmd.Process.Signal(sig)
}

// SignalGroup sends sig to the CLI's whole process group, its provider
// processes included, as a terminal's Ctrl-C, systemd stopping a unit, a
// Jenkins abort, a GitHub Actions cancel and `kill -- -PGID` do. A group
// that is gone already is no error.
func (p *Process) SignalGroup(sig syscall.Signal) error {
	err := syscall.Kill(-p.cmd.Process.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// Done is closed when the CLI has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// GroupAlive returns the ids of the processes of the CLI's process group
// that are still running (zombies that nobody has reaped are not), such as
// the provider processes of a CLI that is gone. It reads /proc, so it works
// on Linux only.
func (p *Process) GroupAlive() ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		state, pgrp, err := procStat(pid)
		if err != nil || exited(state) {
			continue // gone meanwhile, or a zombie
		}
		if pgrp == p.cmd.Process.Pid {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// Alive reports whether pid is a running process: not gone, and not a
// zombie that nobody has reaped yet. It reads /proc, so it works on Linux
// only; a process whose state it cannot read counts as alive.
func Alive(pid int) bool {
	state, _, err := procStat(pid)
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	return !exited(state)
}

// exited reports whether a process state of /proc/<pid>/stat is a zombie's
// or a dead process's.
func exited(state string) bool { return state == "Z" || state == "X" }

// procStat reads a process's state and process group from /proc/<pid>/stat;
// the state is "" where the line has none.
func procStat(pid int) (state string, pgrp int, err error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return "", 0, err
	}
	// "pid (comm) state ppid pgrp …": comm may hold spaces and
	// parentheses, so the fields are counted from the last ')'.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 3 {
		return "", 0, errors.New("clitest: no state and process group in /proc/" + strconv.Itoa(pid) + "/stat")
	}
	pgrp, err = strconv.Atoi(fields[2])
	return fields[0], pgrp, err
}

// Exited reports whether the CLI has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits for the CLI to exit, or for ctx to end.
func (p *Process) Wait(ctx context.Context) (Result, error) {
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		return Result{Args: p.res.Args}, errors.Join(ctx.Err(), p.Cleanup())
	}
}

// Cleanup kills whatever is left of the CLI's process group (such as the
// provider processes of a CLI killed with SIGKILL). It is safe to call when
// the group is already gone.
func (p *Process) Cleanup() error {
	err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
