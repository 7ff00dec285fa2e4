package data

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	gosync "sync"
	"time"

	"golang.org/x/text/unicode/norm"
)

// The record types are encoded by canonicalEncoder, which writes their fields in
// sorted order straight from the struct: the same bytes as decoding into a map and
// encoding that (the reference, canonicalGeneric), at a fraction of the cost, which
// matters when a sync imports 100,000 records.

type canonField struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool
}

var canonFields gosync.Map // reflect.Type -> []canonField

func fieldsOf(t reflect.Type) []canonField {
	if f, ok := canonFields.Load(t); ok {
		return f.([]canonField)
	}
	var out []canonField
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			idx := append(append([]int{}, prefix...), i)
			tag := sf.Tag.Get("json")
			if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, idx)
				continue
			}
			if !sf.IsExported() || tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = sf.Name
			}
			out = append(out, canonField{name: name, index: idx,
				omitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
				omitZero:  strings.Contains(","+opts+",", ",omitzero,")})
		}
	}
	walk(t, nil)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	canonFields.Store(t, out)
	return out
}

var timeType = reflect.TypeOf(time.Time{})

type canonicalEncoder struct {
	buf bytes.Buffer
	str bytes.Buffer
	enc *json.Encoder
}

func newCanonicalEncoder() *canonicalEncoder {
	c := &canonicalEncoder{}
	c.enc = json.NewEncoder(&c.str)
	c.enc.SetEscapeHTML(false)
	return c
}

func (c *canonicalEncoder) indent(level int) {
	c.buf.WriteByte('\n')
	for range level {
		c.buf.WriteString("  ")
	}
}

// scalar writes a string, number, bool or time as encoding/json would, strings in NFC.
func (c *canonicalEncoder) scalar(v any) error {
	if s, ok := v.(string); ok && !norm.NFC.IsNormalString(s) {
		v = norm.NFC.String(s)
	}
	c.str.Reset()
	if err := c.enc.Encode(v); err != nil {
		return err
	}
	c.buf.Write(bytes.TrimSuffix(c.str.Bytes(), []byte("\n")))
	return nil
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return v.Int() == 0
	case reflect.Float64:
		return v.Float() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}

func (c *canonicalEncoder) value(v reflect.Value, level int) error {
	switch {
	case v.Type() == timeType:
		return c.scalar(v.Interface())
	case v.Kind() == reflect.Struct:
		fs := fieldsOf(v.Type())
		n := 0
		for _, f := range fs {
			fv := v.FieldByIndex(f.index)
			if (f.omitEmpty && isEmpty(fv)) || (f.omitZero && fv.IsZero()) {
				continue
			}
			if n == 0 {
				c.buf.WriteByte('{')
			} else {
				c.buf.WriteByte(',')
			}
			n++
			c.indent(level + 1)
			c.scalar(f.name)
			c.buf.WriteString(": ")
			if err := c.value(fv, level+1); err != nil {
				return err
			}
		}
		if n == 0 {
			c.buf.WriteString("{}")
			return nil
		}
		c.indent(level)
		c.buf.WriteByte('}')
	case v.Kind() == reflect.Map:
		if v.IsNil() {
			c.buf.WriteString("null")
			return nil
		}
		if v.Len() == 0 {
			c.buf.WriteString("{}")
			return nil
		}
		keys := v.MapKeys()
		names := make([]string, 0, len(keys))
		byName := make(map[string]reflect.Value, len(keys))
		from := make(map[string]string, len(keys))
		for _, k := range keys {
			name := norm.NFC.String(k.String())
			// Keys that differ only in normalisation become one, the same one
			// as Canonical keeps (see nfc): the one already in NFC, else
			// the greater.
			if prev, dup := from[name]; dup {
				if prev == name || (k.String() != name && k.String() < prev) {
					continue
				}
			} else {
				names = append(names, name)
			}
			from[name] = k.String()
			byName[name] = v.MapIndex(k)
		}
		sort.Strings(names)
		c.buf.WriteByte('{')
		for i, name := range names {
			if i > 0 {
				c.buf.WriteByte(',')
			}
			c.indent(level + 1)
			c.scalar(name)
			c.buf.WriteString(": ")
			if err := c.value(byName[name], level+1); err != nil {
				return err
			}
		}
		c.indent(level)
		c.buf.WriteByte('}')
	case v.Kind() == reflect.Slice:
		if v.IsNil() {
			c.buf.WriteString("null")
			return nil
		}
		if v.Len() == 0 {
			c.buf.WriteString("[]")
			return nil
		}
		c.buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				c.buf.WriteByte(',')
			}
			c.indent(level + 1)
			if err := c.value(v.Index(i), level+1); err != nil {
				return err
			}
		}
		c.indent(level)
		c.buf.WriteByte(']')
	case v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface:
		if v.IsNil() {
			c.buf.WriteString("null")
			return nil
		}
		return c.value(v.Elem(), level)
	default:
		return c.scalar(v.Interface())
	}
	return nil
}

// encodeRecord writes r canonically, or reports false for a value it does not handle.
func encodeRecord(r Record) ([]byte, bool, error) {
	v := reflect.ValueOf(r)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, false, nil
	}
	c := newCanonicalEncoder()
	if err := c.value(v.Elem(), 0); err != nil {
		return nil, true, err
	}
	c.buf.WriteByte('\n')
	return c.buf.Bytes(), true, nil
}
