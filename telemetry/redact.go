package telemetry

import (
	"log/slog"
	"strings"

	"github.com/esper-platform/obskit/envconfig"
)

// denyList redacts attributes by key: exact match, ASCII case-insensitive, at any group depth.
// Looking a key up does not allocate for keys of up to 64 bytes.
type denyList struct {
	keys    map[string]struct{} // lower case
	lengths uint64              // bit n set: a key of length n (n < 64) is denied; bit 63 for longer ones
	first   [256]bool           // first bytes (lower case) of denied keys
}

// newDenyList returns nil when keys is empty, so that the handler skips redaction entirely.
func newDenyList(keys []string) *denyList {
	d := &denyList{keys: map[string]struct{}{}}
	for _, k := range keys {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
			d.keys[k] = struct{}{}
			d.lengths |= 1 << min(len(k), 63)
			d.first[k[0]] = true
			if c := k[0]; 'a' <= c && c <= 'z' {
				d.first[c-'a'+'A'] = true
			}
		}
	}
	if len(d.keys) == 0 {
		return nil
	}
	return d
}

func (d *denyList) match(key string) bool {
	// Most keys are rejected by their length or first byte without hashing.
	if key == "" || d.lengths&(1<<min(len(key), 63)) == 0 || !d.first[key[0]] {
		return false
	}
	var buf [64]byte
	if len(key) > len(buf) {
		_, ok := d.keys[strings.ToLower(key)]
		return ok
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	_, ok := d.keys[string(buf[:len(key)])] // no allocation: the compiler looks the bytes up
	return ok
}

// needs reports whether a, or an attribute inside it, is to be redacted. A LogValuer is
// resolved to find out (a Secret resolves to [REDACTED] and needs nothing).
func (d *denyList) needs(a slog.Attr) bool {
	if d.match(a.Key) {
		return true
	}
	switch a.Value.Kind() {
	case slog.KindGroup:
		for _, ga := range a.Value.Group() {
			if d.needs(ga) {
				return true
			}
		}
	case slog.KindLogValuer:
		return d.needs(slog.Attr{Value: a.Value.Resolve()})
	}
	return false
}

// attr returns a with every denied value replaced by [envconfig.Redacted].
func (d *denyList) attr(a slog.Attr) slog.Attr {
	if d.match(a.Key) {
		return slog.String(a.Key, envconfig.Redacted)
	}
	v := a.Value
	if v.Kind() == slog.KindLogValuer {
		v = v.Resolve()
	}
	if v.Kind() != slog.KindGroup {
		return slog.Attr{Key: a.Key, Value: v}
	}
	group := v.Group()
	out := make([]slog.Attr, len(group))
	for i, ga := range group {
		out[i] = d.attr(ga)
	}
	return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
}

// attrs returns as redacted; as itself when nothing is to be redacted.
func (d *denyList) attrs(as []slog.Attr) []slog.Attr {
	found := false
	for _, a := range as {
		if d.needs(a) {
			found = true
			break
		}
	}
	if !found {
		return as
	}
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = d.attr(a)
	}
	return out
}

// record returns r redacted; r itself, without allocating, when nothing is to be redacted.
func (d *denyList) record(r slog.Record) slog.Record {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = d.needs(a)
		return !found
	})
	if !found {
		return r
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(d.attr(a))
		return true
	})
	return out
}
