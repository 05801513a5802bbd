package telemetry

import (
	"reflect"
	"slices"
	"strings"
)

// SetRedactKeys replaces the attribute keys whose values the Logger redacts (case-insensitive,
// exact key, at any group depth); it is OBSKIT_LOG_REDACT_KEYS changed at run time. It applies
// to records logged after it returns and to attributes added with Logger.With after it: a
// Logger made with With before the change keeps the attributes it was given, redacted or not,
// so remove a secret from such a Logger by making it again. Empty keys turn redaction off
// (envconfig.Secret values stay redacted: they redact themselves).
func (t *Telemetry) SetRedactKeys(keys []string) {
	t.deny.Store(newDenyList(keys))
}

// ApplyLive applies what can change while the program runs from cfg, a configuration read
// again (by envconfig.Watch, say): the log level and the redacted keys. Everything else
// (exporters, endpoints, the resource, the sampler, queue sizes, …) is fixed by Setup; when cfg
// differs from Setup's there, ApplyLive writes a warning naming the variables that need a
// restart on the diagnostics writer, at most once per 10 seconds. Use it as envconfig.Watch's
// function:
//
//	w, err := envconfig.Watch(ctx, tel.ApplyLive, envconfig.WithFile(path))
func (t *Telemetry) ApplyLive(cfg Config) {
	t.SetLevel(cfg.LogLevel)
	t.SetRedactKeys(cfg.LogRedactKeys)
	if changed := fixedChanges(t.cfg, cfg); len(changed) > 0 {
		t.restartWarner.Warn(func() string {
			return "obskit: configuration reloaded: the log level and redacted keys apply now; " +
				strings.Join(changed, ", ") + " changed and need a restart"
		})
	}
}

// fixedChanges lists the variables (or, for nested settings, the fields) whose values differ
// between a and b, leaving out those ApplyLive applies.
func fixedChanges(a, b Config) []string {
	var out []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		f := va.Type().Field(i)
		if !f.IsExported() || f.Name == "LogLevel" || f.Name == "LogRedactKeys" {
			continue
		}
		if reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
