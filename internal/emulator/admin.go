package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// serveAdmin handles /__emulator/* for scripts and the demo. These routes need
// no auth, are never faulted and are not logged, so inspecting the emulator
// does not disturb what is being inspected.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newRequestID())
	reply := adminReply{w}

	switch r.URL.Path {
	case "/__emulator/requests":
		switch r.Method {
		case http.MethodGet:
			reply.write(http.StatusOK, s.Requests())
		case http.MethodDelete:
			s.ResetRequests()
			w.WriteHeader(http.StatusNoContent)
		default:
			reply.notAllowed(http.MethodGet, http.MethodDelete)
		}
	case "/__emulator/customers", "/__emulator/stats":
		if r.Method != http.MethodGet {
			reply.notAllowed(http.MethodGet)
			return
		}
		if r.URL.Path == "/__emulator/customers" {
			reply.write(http.StatusOK, s.Customers())
		} else {
			reply.write(http.StatusOK, s.Stats())
		}
	case "/__emulator/faults":
		switch r.Method {
		case http.MethodGet:
			reply.write(http.StatusOK, s.currentFaults())
		case http.MethodPut:
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
			if err != nil {
				reply.fail(http.StatusBadRequest, "could not read body")
				return
			}
			var f Faults
			if err := json.Unmarshal(body, &f); err != nil {
				reply.fail(http.StatusBadRequest, "invalid faults JSON: "+err.Error())
				return
			}
			if err := f.validate(); err != nil {
				reply.fail(http.StatusBadRequest, err.Error())
				return
			}
			s.SetFaults(f)
			reply.write(http.StatusOK, s.currentFaults())
		default:
			reply.notAllowed(http.MethodGet, http.MethodPut)
		}
	default:
		if !s.serveAccountAdmin(w, r, reply) {
			reply.fail(http.StatusNotFound, "no admin route "+r.URL.Path)
		}
	}
}

// adminReply writes the answers of the admin routes.
type adminReply struct{ w http.ResponseWriter }

func (a adminReply) write(status int, v any) {
	a.w.Header().Set("Content-Type", "application/json")
	a.w.WriteHeader(status)
	_, _ = a.w.Write(marshal(v))
}

func (a adminReply) fail(status int, detail string) {
	a.write(status, map[string]any{"errors": []apiError{{Status: status, Title: http.StatusText(status), Detail: detail}}})
}

// notAllowed is the 405 of a route that takes only methods.
func (a adminReply) notAllowed(methods ...string) {
	a.w.Header().Set("Allow", strings.Join(methods, ", "))
	a.fail(http.StatusMethodNotAllowed, "use "+strings.Join(methods, " or "))
}
