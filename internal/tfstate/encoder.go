// Package tfstate writes Terraform values as msgpack straight from tfsdk-tagged Go models, byte for
// byte as tfprotov6.NewDynamicValue writes the tftypes.Value the framework would make of them, but
// without building that tree. An Encoder is compiled once from a Terraform type and a Go type;
// DESIGN.md ("The two read paths") says why the provider needs one.
package tfstate

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/big"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// Encoder writes values of one Go type as msgpack of one Terraform type.
type Encoder struct {
	typ     tftypes.Type
	goType  reflect.Type
	pointer reflect.Type // *goType, what MarshalMsgPack and List.Append take
	encode  encodeFunc
}

// Compile returns the encoder of Go type rt as Terraform type t, following the framework's rules
// for tfsdk models: struct fields by their tfsdk tags (embedded structs included, "-" skipped), a
// nil pointer, slice or map as null, a *List as the list its elements were written for, and any
// other attr.Value as its ToTerraformValue. It rejects other Go types and any mismatch between the
// model and t, naming the attribute.
func Compile(t tftypes.Type, rt reflect.Type) (*Encoder, error) {
	enc, err := compile(t, rt)
	if err != nil {
		return nil, err
	}
	return &Encoder{typ: t, goType: rt, pointer: reflect.PointerTo(rt), encode: enc}, nil
}

// Type is the Terraform type e writes.
func (e *Encoder) Type() tftypes.Type { return e.typ }

// MarshalMsgPack writes *v, v a pointer to e's Go type, as the msgpack of a DynamicValue. The bytes
// of every List in *v move into the result: each List is written once.
func (e *Encoder) MarshalMsgPack(ctx context.Context, v any) ([]byte, error) {
	rv, err := e.pointee(v)
	if err != nil {
		return nil, err
	}
	var out chunkWriter
	if err := e.encode(newWriter(ctx, &out), rv); err != nil {
		return nil, err
	}
	return out.bytes(), nil
}

// pointee is *v, addressable, once v is checked to be a pointer to e's Go type.
func (e *Encoder) pointee(v any) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Type() != e.pointer || rv.IsNil() {
		return reflect.Value{}, fmt.Errorf("the encoder of %s cannot encode %T", e.goType, v)
	}
	return rv.Elem(), nil
}

// writer is the msgpack encoder with the context that attr.Value conversions take.
type writer struct {
	ctx    context.Context
	chunks *chunkWriter // the Encoder's, for splicing in what is written already
	*msgpack.Encoder
}

func newWriter(ctx context.Context, out *chunkWriter) *writer {
	return &writer{ctx: ctx, chunks: out, Encoder: msgpack.NewEncoder(out)}
}

// encodeFunc writes v, an addressable Go value, as msgpack of the Terraform type it was compiled for.
type encodeFunc func(w *writer, v reflect.Value) error

func compile(t tftypes.Type, rt reflect.Type) (encodeFunc, error) {
	switch rt {
	case reflect.TypeFor[*List]():
		return compileList(t)
	case reflect.TypeFor[types.String]():
		return primitive(t, tftypes.String, func(w *writer, v *types.String) error { return w.EncodeString(v.ValueString()) })
	case reflect.TypeFor[types.Bool]():
		return primitive(t, tftypes.Bool, func(w *writer, v *types.Bool) error { return w.EncodeBool(v.ValueBool()) })
	case reflect.TypeFor[types.Int64]():
		return primitive(t, tftypes.Number, func(w *writer, v *types.Int64) error { return w.EncodeInt(v.ValueInt64()) })
	case reflect.TypeFor[types.Float64]():
		return primitive(t, tftypes.Number, func(w *writer, v *types.Float64) error { return encodeFloat(w, v.ValueFloat64()) })
	}
	if k := rt.Kind(); k != reflect.Pointer && k != reflect.Interface && rt.Implements(reflect.TypeFor[attr.Value]()) {
		return func(w *writer, v reflect.Value) error {
			return encodeAttrValue(w, t, v.Interface().(attr.Value)) //nolint:forcetypeassert // checked by Implements
		}, nil
	}
	switch {
	case rt.Kind() == reflect.String && t.Equal(tftypes.String):
		return func(w *writer, v reflect.Value) error { return w.EncodeString(v.String()) }, nil
	case rt.Kind() == reflect.Bool && t.Equal(tftypes.Bool):
		return func(w *writer, v reflect.Value) error { return w.EncodeBool(v.Bool()) }, nil
	case rt.Kind() == reflect.Int64 && t.Equal(tftypes.Number):
		return func(w *writer, v reflect.Value) error { return w.EncodeInt(v.Int()) }, nil
	case rt.Kind() == reflect.Float64 && t.Equal(tftypes.Number):
		return func(w *writer, v reflect.Value) error { return encodeFloat(w, v.Float()) }, nil
	case rt.Kind() == reflect.Pointer:
		return compileContainer(t, rt, writePointer)
	case rt.Kind() == reflect.Struct:
		if o, ok := t.(tftypes.Object); ok {
			return compileObject(o, rt)
		}
	case rt.Kind() == reflect.Slice:
		if l, ok := t.(tftypes.List); ok {
			return compileContainer(l.ElementType, rt, writeSlice)
		}
	case rt.Kind() == reflect.Map && rt.Key().Kind() == reflect.String:
		if m, ok := t.(tftypes.Map); ok {
			return compileContainer(m.ElementType, rt, writeMap)
		}
	}
	return nil, fmt.Errorf("cannot encode %s as %s", rt, t)
}

// primitive is the encoder of a framework primitive that is null or known; an unknown value, which
// a state never holds but a configuration could, goes through tftypes.
func primitive[T attr.Value](t, want tftypes.Type, known func(*writer, *T) error) (encodeFunc, error) {
	if !t.Equal(want) {
		var zero T
		return nil, fmt.Errorf("cannot encode %T as %s", zero, t)
	}
	return func(w *writer, v reflect.Value) error {
		p := v.Addr().Interface().(*T) //nolint:forcetypeassert // compiled for T
		switch {
		case (*p).IsNull():
			return w.EncodeNil()
		case (*p).IsUnknown():
			return encodeAttrValue(w, t, *p)
		}
		return known(w, p)
	}, nil
}

// encodeFloat writes a number as tftypes writes the framework's big.Float of it: a whole number
// that fits an int64 as an integer, any other whole number (2^63, 1e300) as its exact decimal
// text, a fraction or an infinity as a float64.
func encodeFloat(w *writer, f float64) error {
	switch {
	case math.IsInf(f, 0) || f != math.Trunc(f):
		return w.EncodeFloat64(f)
	case f >= math.MinInt64 && f < math.MaxInt64: // float64(MaxInt64) is 2^63
		return w.EncodeInt(int64(f))
	}
	return w.EncodeString(new(big.Float).SetFloat64(f).Text('f', -1))
}

// encodeAttrValue writes any attr.Value through tftypes: the slow way, for the few values that
// are neither primitives nor Go collections (timeouts, for one).
func encodeAttrValue(w *writer, t tftypes.Type, v attr.Value) error {
	tv, err := v.ToTerraformValue(w.ctx)
	if err != nil {
		return err
	}
	dv, err := tfprotov6.NewDynamicValue(t, tv)
	if err != nil {
		return err
	}
	_, err = w.Writer().Write(dv.MsgPack)
	return err
}

// compileObject writes a struct as an object, its attributes in tftypes' sorted order.
func compileObject(t tftypes.Object, rt reflect.Type) (encodeFunc, error) {
	fields := map[string][]int{}
	for _, f := range reflect.VisibleFields(rt) {
		tag := f.Tag.Get("tfsdk")
		if f.Anonymous || !f.IsExported() || tag == "-" {
			continue
		}
		if tag == "" {
			return nil, fmt.Errorf("field %s.%s has no tfsdk tag", rt, f.Name)
		}
		fields[tag] = f.Index
	}
	type attribute struct {
		name   string
		index  []int
		encode encodeFunc
	}
	var attrs []attribute
	for _, name := range slices.Sorted(maps.Keys(t.AttributeTypes)) {
		index, ok := fields[name]
		if !ok {
			return nil, fmt.Errorf("%s has no field for attribute %q", rt, name)
		}
		delete(fields, name)
		enc, err := compile(t.AttributeTypes[name], rt.FieldByIndex(index).Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		attrs = append(attrs, attribute{name, index, enc})
	}
	if len(fields) > 0 {
		return nil, fmt.Errorf("%s has fields for %q, which %s does not have", rt, slices.Sorted(maps.Keys(fields)), t)
	}
	return func(w *writer, v reflect.Value) error {
		if err := w.EncodeMapLen(len(attrs)); err != nil {
			return err
		}
		for _, a := range attrs {
			if err := w.EncodeString(a.name); err != nil {
				return err
			}
			if err := a.encode(w, v.FieldByIndex(a.index)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// compileContainer is the encoder of a pointer, slice or map, nil as null, any other written by
// write with the encoder of its elements, as Terraform type elemType.
func compileContainer(elemType tftypes.Type, rt reflect.Type, write func(w *writer, v reflect.Value, elem encodeFunc) error) (encodeFunc, error) {
	elem, err := compile(elemType, rt.Elem())
	if err != nil {
		return nil, err
	}
	return func(w *writer, v reflect.Value) error {
		if v.IsNil() {
			return w.EncodeNil()
		}
		return write(w, v, elem)
	}, nil
}

// writePointer writes what a pointer points to.
func writePointer(w *writer, v reflect.Value, elem encodeFunc) error { return elem(w, v.Elem()) }

// writeSlice writes a slice as a list.
func writeSlice(w *writer, v reflect.Value, elem encodeFunc) error {
	if err := w.EncodeArrayLen(v.Len()); err != nil {
		return err
	}
	for i := range v.Len() {
		if err := elem(w, v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

// writeMap writes a map of string keys as a map.
func writeMap(w *writer, v reflect.Value, elem encodeFunc) error {
	if err := w.EncodeMapLen(v.Len()); err != nil {
		return err
	}
	value := reflect.New(v.Type().Elem()).Elem() // map values are not addressable; the encoders want them so
	for it := v.MapRange(); it.Next(); {
		if err := w.EncodeString(it.Key().String()); err != nil {
			return err
		}
		value.SetIterValue(it)
		if err := elem(w, value); err != nil {
			return err
		}
	}
	return nil
}
