package procenv

import (
	"os"
	"strings"
)

// Map returns the process environment as a map. A variable listed twice keeps its last value,
// as os.Getenv does.
func Map() map[string]string { return Parse(os.Environ()) }

// Parse turns "KEY=value" entries into a map; entries without '=' are skipped.
func Parse(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}
