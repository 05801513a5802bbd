package logpipe

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/trace"
)

// Protobuf tags (field number << 3 | wire type) of the OTLP messages that the
// encoder writes. All field numbers used are below 16, so every tag is one byte.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5

	// ExportLogsServiceRequest.
	tagRequestResourceLogs = 1<<3 | wireBytes
	// ResourceLogs.
	tagResourceLogsResource  = 1<<3 | wireBytes
	tagResourceLogsScopeLogs = 2<<3 | wireBytes
	tagResourceLogsSchemaURL = 3<<3 | wireBytes
	// ScopeLogs.
	tagScopeLogsScope      = 1<<3 | wireBytes
	tagScopeLogsLogRecords = 2<<3 | wireBytes
	tagScopeLogsSchemaURL  = 3<<3 | wireBytes
	// Resource.
	tagResourceAttributes = 1<<3 | wireBytes
	// InstrumentationScope.
	tagScopeName       = 1<<3 | wireBytes
	tagScopeVersion    = 2<<3 | wireBytes
	tagScopeAttributes = 3<<3 | wireBytes
	// LogRecord.
	tagTime              = 1<<3 | wireFixed64
	tagSeverityNumber    = 2<<3 | wireVarint
	tagSeverityText      = 3<<3 | wireBytes
	tagBody              = 5<<3 | wireBytes
	tagAttributes        = 6<<3 | wireBytes
	tagDroppedAttributes = 7<<3 | wireVarint
	tagFlags             = 8<<3 | wireFixed32
	tagTraceID           = 9<<3 | wireBytes
	tagSpanID            = 10<<3 | wireBytes
	tagObservedTime      = 11<<3 | wireFixed64
	tagEventName         = 12<<3 | wireBytes
	// KeyValue.
	tagKey   = 1<<3 | wireBytes
	tagValue = 2<<3 | wireBytes
	// AnyValue.
	tagString = 1<<3 | wireBytes
	tagBool   = 2<<3 | wireVarint
	tagInt    = 3<<3 | wireVarint
	tagDouble = 4<<3 | wireFixed64
	tagArray  = 5<<3 | wireBytes
	tagKvlist = 6<<3 | wireBytes
	tagBytes  = 7<<3 | wireBytes
	// ArrayValue and KeyValueList.
	tagValues = 1<<3 | wireBytes
)

// maxValueDepth bounds the nesting of slice and map values that are encoded;
// deeper values are encoded as empty values.
const maxValueDepth = 32

// dedupScanLimit is the attribute count up to which duplicates are found by
// comparing keys pairwise (no map, no allocation).
const dedupScanLimit = 64

const (
	exceptionMessageKey = attribute.Key("exception.message")
	exceptionTypeKey    = attribute.Key("exception.type")
)

// limits are the attribute limits applied to every record.
type limits struct {
	count       int // maximum attributes per record; < 0 means unlimited
	valueLength int // maximum characters in a string value; < 0 means unlimited
}

// encoder turns one log.Record into the bytes of an OTLP LogRecord message.
// Encoders are pooled; one is used by one goroutine at a time.
type encoder struct {
	buf []byte
	kvs []attribute.KeyValue
}

func varintSize(v uint64) int {
	return (bits.Len64(v|1) + 6) / 7
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendFixed64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24),
		byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

// appendString writes s as a string field with tag, each byte of an invalid
// UTF-8 sequence replaced by U+FFFD: proto3 strings must be valid UTF-8, and
// a receiver that checks refuses the whole request otherwise.
func appendString(b []byte, tag byte, s string) []byte {
	return appendStringLen(b, tag, s, validLen(s))
}

// appendStringLen is appendString for s whose length once valid is n, as
// validLen(s) returns.
func appendStringLen(b []byte, tag byte, s string, n int) []byte {
	b = append(b, tag)
	b = appendVarint(b, uint64(n))
	if n == len(s) {
		return append(b, s...)
	}
	return appendValid(b, s)
}

// validLen returns the length of s once each byte of an invalid UTF-8
// sequence is replaced by U+FFFD: len(s) if and only if s is valid.
func validLen(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return validLenSlow(s)
}

// isASCII reports whether every byte of s is below 0x80, reading 8 bytes at a
// time: log strings are mostly ASCII, and this is about twice as fast as
// utf8.ValidString on short ones.
func isASCII(s string) bool {
	for len(s) >= 8 {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if v&0x8080808080808080 != 0 {
			return false
		}
		s = s[8:]
	}
	var or byte
	for i := 0; i < len(s); i++ {
		or |= s[i]
	}
	return or < utf8.RuneSelf
}

func validLenSlow(s string) int {
	if utf8.ValidString(s) {
		return len(s)
	}
	n := 0
	for _, r := range s {
		if r == utf8.RuneError {
			n += utf8.RuneLen(utf8.RuneError) // a U+FFFD in s, or one invalid byte
		} else {
			n += utf8.RuneLen(r)
		}
	}
	return n
}

// appendValid appends s with each byte of an invalid UTF-8 sequence replaced
// by U+FFFD (the way ranging over a string decodes it).
func appendValid(b []byte, s string) []byte {
	for _, r := range s {
		b = utf8.AppendRune(b, r)
	}
	return b
}

// beginLen starts a length-delimited field: it writes tag and a one-byte
// length placeholder and returns the offset where the content starts.
func beginLen(b []byte, tag byte) ([]byte, int) {
	b = append(b, tag, 0)
	return b, len(b)
}

// endLen completes the field begun at start, moving the content when its
// length needs more than one byte.
func endLen(b []byte, start int) []byte {
	n := len(b) - start
	if n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	extra := varintSize(uint64(n)) - 1
	b = append(b, make([]byte, extra)...)
	copy(b[start+extra:], b[start:start+n])
	p := start - 1
	v := uint64(n)
	for v >= 0x80 {
		b[p] = byte(v) | 0x80
		v >>= 7
		p++
	}
	b[p] = byte(v)
	return b
}

// truncate shortens s to at most limit characters (runes), as the OTel SDK
// does for OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT. Each byte of an
// invalid UTF-8 sequence counts as one character, the U+FFFD it becomes.
func truncate(s string, limit int) string {
	if limit < 0 || len(s) <= limit {
		return s
	}
	n := 0
	for i := range s {
		if n == limit {
			return s[:i]
		}
		n++
	}
	return s
}

func unixNano(t int64) uint64 {
	if t < 0 {
		return 0
	}
	return uint64(t)
}

// encodeRecord appends the content of an OTLP LogRecord for r, logged with
// ctx, to e.buf. A record without an observed timestamp gets its own
// timestamp as observed time (a bridge sets the timestamp when it observes the
// record, in the same call), or now() if it has none.
func (e *encoder) encodeRecord(ctx context.Context, r *log.Record, lim limits, now func() time.Time) {
	b := e.buf
	var tsNano int64
	if ts := r.Timestamp(); !ts.IsZero() {
		tsNano = ts.UnixNano()
		if n := unixNano(tsNano); n != 0 {
			b = append(b, tagTime)
			b = appendFixed64(b, n)
		}
	}
	if sev := r.Severity(); sev != 0 {
		b = append(b, tagSeverityNumber)
		b = appendVarint(b, uint64(int64(sev)))
	}
	if txt := r.SeverityText(); txt != "" {
		b = appendString(b, tagSeverityText, txt)
	}
	var start int
	b, start = beginLen(b, tagBody)
	// The body is not an attribute: like sdk/log, no attribute limit applies to it.
	b = appendAnyValue(b, r.Body(), limits{count: -1, valueLength: -1}, 0)
	b = endLen(b, start)

	b, dropped := e.appendAttributes(b, r, lim)
	if dropped > 0 {
		b = append(b, tagDroppedAttributes)
		b = appendVarint(b, uint64(dropped))
	}

	sc := trace.SpanContextFromContext(ctx)
	if f := sc.TraceFlags(); f != 0 {
		b = append(b, tagFlags, byte(f), 0, 0, 0)
	}
	if tid := sc.TraceID(); tid.IsValid() {
		b = append(b, tagTraceID, 16)
		b = append(b, tid[:]...)
	}
	if sid := sc.SpanID(); sid.IsValid() {
		b = append(b, tagSpanID, 8)
		b = append(b, sid[:]...)
	}
	var obs int64
	switch ot := r.ObservedTimestamp(); {
	case !ot.IsZero():
		obs = ot.UnixNano()
	case tsNano != 0:
		obs = tsNano
	default:
		obs = now().UnixNano()
	}
	if n := unixNano(obs); n != 0 {
		b = append(b, tagObservedTime)
		b = appendFixed64(b, n)
	}
	if ev := r.EventName(); ev != "" {
		b = appendString(b, tagEventName, ev)
	}
	e.buf = b
}

// smallAttrs is the number of attributes collected on the stack.
const smallAttrs = 8

// collectAttributes appends the valid attributes of r to dst.
func collectAttributes(dst []attribute.KeyValue, r *log.Record) []attribute.KeyValue {
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		if kv.Valid() {
			dst = append(dst, kv)
		}
		return true
	})
	return dst
}

// appendAttributes writes the record's attributes with the SDK's semantics:
// invalid (empty) keys are skipped, duplicate keys keep the first position and
// the last value, an error set with SetErr adds exception.message and
// exception.type unless present, and the count limit drops the rest. It
// returns the number of attributes dropped by the limit.
func (e *encoder) appendAttributes(b []byte, r *log.Record, lim limits) ([]byte, int) {
	n := r.AttributesLen()
	if n == 0 && r.Err() == nil {
		return b, 0
	}
	if n <= smallAttrs-2 {
		// Collected on the stack: no write barriers, no allocation. Two
		// spare entries leave room for the exception attributes.
		var small [smallAttrs]attribute.KeyValue
		return appendKeyValueList(b, collectAttributes(small[:0], r), r.Err(), lim)
	}
	kvs := collectAttributes(e.kvs[:0], r)
	b, dropped := appendKeyValueList(b, kvs, r.Err(), lim)
	clear(kvs[:cap(kvs)])
	e.kvs = kvs[:0]
	return b, dropped
}

func appendKeyValueList(b []byte, kvs []attribute.KeyValue, err error, lim limits) ([]byte, int) {
	kvs = dedupKeyValues(kvs)
	if err != nil {
		var hasMsg, hasType bool
		for i := range kvs {
			switch kvs[i].Key {
			case exceptionMessageKey:
				hasMsg = true
			case exceptionTypeKey:
				hasType = true
			}
		}
		if !hasMsg {
			if msg := err.Error(); msg != "" {
				kvs = append(kvs, exceptionMessageKey.String(msg))
			}
		}
		if !hasType {
			if t := errorType(err); t != "" {
				kvs = append(kvs, exceptionTypeKey.String(t))
			}
		}
	}
	dropped := 0
	if lim.count >= 0 && len(kvs) > lim.count {
		dropped = len(kvs) - lim.count
		kvs = kvs[:lim.count]
	}
	for i := range kvs {
		b = appendKeyValue(b, tagAttributes, kvs[i], lim, 0)
	}
	return b, dropped
}

// dedupKeyValues removes duplicate keys in place: the first position of a key
// is kept with the value of its last occurrence.
func dedupKeyValues(kvs []attribute.KeyValue) []attribute.KeyValue {
	if len(kvs) < 2 {
		return kvs
	}
	if len(kvs) > dedupScanLimit {
		return dedupKeyValuesMap(kvs)
	}
	out := 0
next:
	for i := range kvs {
		for j := range out {
			if kvs[j].Key == kvs[i].Key {
				kvs[j].Value = kvs[i].Value
				continue next
			}
		}
		if out != i {
			kvs[out] = kvs[i]
		}
		out++
	}
	return kvs[:out]
}

func dedupKeyValuesMap(kvs []attribute.KeyValue) []attribute.KeyValue {
	index := make(map[attribute.Key]int, len(kvs))
	out := 0
	for i := range kvs {
		if j, ok := index[kvs[i].Key]; ok {
			kvs[j].Value = kvs[i].Value
			continue
		}
		index[kvs[i].Key] = out
		kvs[out] = kvs[i]
		out++
	}
	return kvs[:out]
}

var fmtWrapErrorType = reflect.TypeOf(fmt.Errorf("%w", errors.New("")))

// errorType names the type of err as the OTel SDK does for exception.type.
func errorType(err error) string {
	if et, ok := err.(interface{ ErrorType() string }); ok {
		if s := et.ErrorType(); s != "" {
			return s
		}
	}
	for reflect.TypeOf(err) == fmtWrapErrorType {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	t := reflect.TypeOf(err)
	if t == nil {
		return ""
	}
	if pkg, name := t.PkgPath(), t.Name(); pkg != "" && name != "" {
		return pkg + "." + name
	}
	return t.String()
}

// appendKeyValue writes kv as a length-delimited KeyValue field with tag.
func appendKeyValue(b []byte, tag byte, kv attribute.KeyValue, lim limits, depth int) []byte {
	if kv.Value.Type() == attribute.STRING {
		// Sizes known up front: no placeholder, no move; each string checked once.
		k, klen := string(kv.Key), validLen(string(kv.Key))
		v := truncate(kv.Value.AsString(), lim.valueLength)
		vlen := validLen(v)
		vsize := 1 + varintSize(uint64(vlen)) + vlen
		size := 1 + varintSize(uint64(klen)) + klen + 1 + varintSize(uint64(vsize)) + vsize
		b = append(b, tag)
		b = appendVarint(b, uint64(size))
		b = appendStringLen(b, tagKey, k, klen)
		b = append(b, tagValue)
		b = appendVarint(b, uint64(vsize))
		return appendStringLen(b, tagString, v, vlen)
	}
	if vsize, ok := scalarSize(kv.Value); ok {
		// Sizes known up front: no placeholder, no move.
		k, klen := string(kv.Key), validLen(string(kv.Key))
		size := 1 + varintSize(uint64(klen)) + klen + 1 + varintSize(uint64(vsize)) + vsize
		b = append(b, tag)
		b = appendVarint(b, uint64(size))
		b = appendStringLen(b, tagKey, k, klen)
		b = append(b, tagValue)
		b = appendVarint(b, uint64(vsize))
		return appendAnyValue(b, kv.Value, lim, depth)
	}
	var start, vstart int
	b, start = beginLen(b, tag)
	b = appendString(b, tagKey, string(kv.Key))
	b, vstart = beginLen(b, tagValue)
	b = appendAnyValue(b, kv.Value, lim, depth)
	b = endLen(b, vstart)
	return endLen(b, start)
}

// scalarSize returns the encoded size of the AnyValue for v if v is a
// scalar other than a string.
func scalarSize(v attribute.Value) (int, bool) {
	switch v.Type() {
	case attribute.BOOL:
		return 2, true
	case attribute.INT64:
		return 1 + varintSize(uint64(v.AsInt64())), true
	case attribute.FLOAT64:
		return 9, true
	case attribute.EMPTY:
		return 0, true
	default:
		return 0, false
	}
}

// appendAnyValue writes the content of an OTLP AnyValue for v.
func appendAnyValue(b []byte, v attribute.Value, lim limits, depth int) []byte {
	if depth > maxValueDepth {
		return b
	}
	var start int
	switch v.Type() {
	case attribute.BOOL:
		if v.AsBool() {
			return append(b, tagBool, 1)
		}
		return append(b, tagBool, 0)
	case attribute.INT64:
		b = append(b, tagInt)
		return appendVarint(b, uint64(v.AsInt64()))
	case attribute.FLOAT64:
		b = append(b, tagDouble)
		return appendFixed64(b, math.Float64bits(v.AsFloat64()))
	case attribute.STRING:
		return appendString(b, tagString, truncate(v.AsString(), lim.valueLength))
	case attribute.BYTESLICE:
		b = append(b, tagBytes)
		p := v.AsByteSlice()
		b = appendVarint(b, uint64(len(p)))
		return append(b, p...)
	case attribute.BOOLSLICE:
		b, start = beginLen(b, tagArray)
		for _, x := range v.AsBoolSlice() {
			if x {
				b = append(b, tagValues, 2, tagBool, 1)
			} else {
				b = append(b, tagValues, 2, tagBool, 0)
			}
		}
		return endLen(b, start)
	case attribute.INT64SLICE:
		b, start = beginLen(b, tagArray)
		for _, x := range v.AsInt64Slice() {
			b = append(b, tagValues, byte(1+varintSize(uint64(x))), tagInt)
			b = appendVarint(b, uint64(x))
		}
		return endLen(b, start)
	case attribute.FLOAT64SLICE:
		b, start = beginLen(b, tagArray)
		for _, x := range v.AsFloat64Slice() {
			b = append(b, tagValues, 9, tagDouble)
			b = appendFixed64(b, math.Float64bits(x))
		}
		return endLen(b, start)
	case attribute.STRINGSLICE:
		b, start = beginLen(b, tagArray)
		for _, x := range v.AsStringSlice() {
			var s int
			b, s = beginLen(b, tagValues)
			b = appendString(b, tagString, truncate(x, lim.valueLength))
			b = endLen(b, s)
		}
		return endLen(b, start)
	case attribute.SLICE:
		b, start = beginLen(b, tagArray)
		for _, x := range v.AsSlice() {
			var s int
			b, s = beginLen(b, tagValues)
			b = appendAnyValue(b, x, lim, depth+1)
			b = endLen(b, s)
		}
		return endLen(b, start)
	case attribute.MAP:
		b, start = beginLen(b, tagKvlist)
		kvs := dedupKeyValues(v.AsMap())
		for _, kv := range kvs {
			b = appendKeyValue(b, tagValues, kv, lim, depth+1)
		}
		return endLen(b, start)
	default: // attribute.EMPTY: an AnyValue with no value set.
		return b
	}
}

// appendKeyValues writes attrs as repeated KeyValue fields with tag.
func appendKeyValues(b []byte, tag byte, it attribute.Iterator) []byte {
	for it.Next() {
		b = appendKeyValue(b, tag, it.Attribute(), limits{count: -1, valueLength: -1}, 0)
	}
	return b
}
