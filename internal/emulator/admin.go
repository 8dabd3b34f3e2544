package emulator

import (
	"encoding/json"
	"io"
	"net/http"
)

// serveAdmin handles /__emulator/* for scripts and the demo. These routes need
// no auth, are never faulted and are not logged, so inspecting the emulator
// does not disturb what is being inspected.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newRequestID())
	write := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(marshal(v))
	}
	fail := func(status int, detail string) {
		write(status, map[string]any{"errors": []apiError{{Status: status, Title: http.StatusText(status), Detail: detail}}})
	}

	switch r.URL.Path {
	case "/__emulator/requests":
		switch r.Method {
		case http.MethodGet:
			write(http.StatusOK, s.Requests())
		case http.MethodDelete:
			s.ResetRequests()
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "GET, DELETE")
			fail(http.StatusMethodNotAllowed, "use GET or DELETE")
		}
	case "/__emulator/customers", "/__emulator/stats":
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			fail(http.StatusMethodNotAllowed, "use GET")
			return
		}
		if r.URL.Path == "/__emulator/customers" {
			write(http.StatusOK, s.Customers())
		} else {
			write(http.StatusOK, s.Stats())
		}
	case "/__emulator/faults":
		switch r.Method {
		case http.MethodGet:
			write(http.StatusOK, s.currentFaults())
		case http.MethodPut:
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
			if err != nil {
				fail(http.StatusBadRequest, "could not read body")
				return
			}
			var f Faults
			if err := json.Unmarshal(body, &f); err != nil {
				fail(http.StatusBadRequest, "invalid faults JSON: "+err.Error())
				return
			}
			if err := f.validate(); err != nil {
				fail(http.StatusBadRequest, err.Error())
				return
			}
			s.SetFaults(f)
			write(http.StatusOK, s.currentFaults())
		default:
			w.Header().Set("Allow", "GET, PUT")
			fail(http.StatusMethodNotAllowed, "use GET or PUT")
		}
	default:
		if !s.serveAccountAdmin(w, r, write, fail) {
			fail(http.StatusNotFound, "no admin route "+r.URL.Path)
		}
	}
}
