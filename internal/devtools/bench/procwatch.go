package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// providerComm is the provider binary's name as /proc/<pid>/comm shows it:
// the kernel keeps only the first 15 bytes.
const providerComm = "terraform-provider-moltin"

// cliComm is the CLI binary's name as /proc/<pid>/comm shows it.
func cliComm(cli string) string {
	base := filepath.Base(cli)
	return base[:min(len(base), 15)]
}

// procWatch polls /proc for the processes of one name (the provider's, or
// the CLI's) descended from this one while a CLI command runs. The provider
// is the CLI's child, our grandchild, so the rusage of our own children does
// not isolate it; VmHWM (the peak resident set) of
// each process does, and it only grows, so sampling misses at most the
// growth of the last interval.
type procWatch struct {
	comm     string // as /proc/<pid>/comm shows it: at most 15 bytes
	interval time.Duration
	stop     chan struct{}
	done     chan struct{}

	mu    sync.Mutex
	peaks map[int]int64         // pid -> highest VmHWM seen, in KiB
	cpu   map[int]time.Duration // pid -> user+system CPU time at the last sample
}

func watchProcesses(comm string, interval time.Duration) *procWatch {
	w := &procWatch{comm: comm[:min(len(comm), 15)], interval: interval, stop: make(chan struct{}), done: make(chan struct{}), peaks: map[int]int64{}, cpu: map[int]time.Duration{}}
	go w.loop()
	return w
}

func (w *procWatch) loop() {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		w.sample()
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}

// sample reads every process's comm and, for the watched ones, their VmHWM
// and CPU time.
func (w *procWatch) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err != nil || strings.TrimSpace(string(comm)) != w.comm {
			continue
		}
		// Others may run the provider on this machine at the same time.
		if !isDescendant(pid, os.Getpid()) {
			continue
		}
		hwm, okHWM := readVmHWM(pid)
		cpu, okCPU := readCPU(pid)
		w.mu.Lock()
		if okHWM {
			w.peaks[pid] = max(w.peaks[pid], hwm)
		}
		if okCPU {
			w.cpu[pid] = max(w.cpu[pid], cpu)
		}
		w.mu.Unlock()
	}
}

func readVmHWM(pid int) (int64, bool) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				return 0, false
			}
			kib, err := strconv.ParseInt(fields[0], 10, 64)
			return kib, err == nil
		}
	}
	return 0, false
}

// isDescendant reports whether ancestor is pid's parent, grandparent or
// great-grandparent.
func isDescendant(pid, ancestor int) bool {
	for range 3 {
		pid = parentOf(pid)
		if pid <= 1 {
			return false
		}
		if pid == ancestor {
			return true
		}
	}
	return false
}

func parentOf(pid int) int {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// clockTick is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux architecture that Go supports.
const clockTick = 10 * time.Millisecond

// readCPU returns utime+stime from /proc/<pid>/stat.
func readCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	// The command name, field 2, may hold spaces: count fields after its ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * clockTick, true
}

// Stop ends the polling and returns how many processes were seen,
// the highest peak resident set of any of them, in KiB, and their CPU time
// (as last sampled, so short of each process's last interval).
func (w *procWatch) Stop() (processes int, peakKiB int64, cpu time.Duration) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.peaks {
		peakKiB = max(peakKiB, p)
	}
	for _, c := range w.cpu {
		cpu += c
	}
	return len(w.peaks), peakKiB, cpu
}
