package tfstate

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// shape is a Terraform type, one of the Go types the encoder writes as it, and a maker of random
// values of that Go type, each with the tftypes.Value the framework makes of it.
type shape struct {
	typ    tftypes.Type
	goType reflect.Type
	value  func() (reflect.Value, tftypes.Value)
}

// gen makes random shapes and values from one seeded source, so that a failure reproduces.
type gen struct{ r *rand.Rand }

// TestEncoder_matchesTftypes: for random types of every kind (strings, numbers, bools, lists, maps,
// objects, nested to three levels, through every Go type the encoder takes for each) and random
// values of them (null, strings of any bytes, int64 and float64 extremes, collections across
// msgpack's length boundaries), the encoder writes what tftypes writes for the framework's value.
func TestEncoder_matchesTftypes(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 2))}
	kinds := map[string]int{}
	for range 1500 {
		s := g.shape(3)
		enc, err := Compile(s.typ, s.goType)
		if err != nil {
			t.Fatalf("Compile(%s, %s): %v", s.typ, s.goType, err)
		}
		for range 4 {
			v, want := s.value()
			if !sameAsTftypes(t, enc, v, want) {
				return // one failure, reported in full, is enough
			}
			countKinds(want, kinds)
		}
	}
	t.Logf("values by kind: %v", kinds)
	// The generator reaches every kind of value, null or not, so that no kind passes untested.
	for _, k := range []string{"null", "string", "number", "bool", "list", "map", "object", "empty list", "empty map", "long list", "long map"} {
		if kinds[k] < 50 {
			t.Errorf("only %d values of kind %q were tested: %v", kinds[k], k, kinds)
		}
	}
}

// sameAsTftypes reports whether enc writes v as tftypes writes want: the same bytes where no map
// has two keys (tftypes writes a map's keys in Go's random order), else the same msgpack values,
// and in any case bytes that decode to what tftypes' bytes decode to (want but for -0, which
// tftypes writes as 0).
func sameAsTftypes(t *testing.T, enc *Encoder, v reflect.Value, want tftypes.Value) bool {
	t.Helper()
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	got, err := enc.MarshalMsgPack(context.Background(), p.Interface())
	if err != nil {
		t.Errorf("%s as %s: %v", v.Type(), enc.Type(), err)
		return false
	}
	dv, err := tfprotov6.NewDynamicValue(enc.Type(), want)
	if err != nil {
		t.Fatalf("tftypes cannot write %s: %v", want, err)
	}
	if !bytes.Equal(got, dv.MsgPack) && (!hasMap(want) || !reflect.DeepEqual(decodeAny(t, got), decodeAny(t, dv.MsgPack))) {
		t.Errorf("%s as %s:\nencoder %x\ntftypes %x\nvalue %s", v.Type(), enc.Type(), got, dv.MsgPack, want)
		return false
	}
	decoded, err := (&tfprotov6.DynamicValue{MsgPack: got}).Unmarshal(enc.Type())
	wantDecoded, _ := dv.Unmarshal(enc.Type())
	if err != nil || !decoded.Equal(wantDecoded) {
		t.Errorf("%s as %s: decodes as %s (%v), want %s", v.Type(), enc.Type(), decoded, err, wantDecoded)
		return false
	}
	return true
}

// decodeAny is msgpack as Go values, which keep the kind of each (int8 or uint16, str or bin).
func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := msgpack.Unmarshal(b, &v); err != nil {
		t.Fatalf("%x: %v", b, err)
	}
	return v
}

// hasMap reports whether v holds a map of two keys or more, somewhere.
func hasMap(v tftypes.Value) bool {
	found := false
	_ = tftypes.Walk(v, func(_ *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		var m map[string]tftypes.Value
		if v.Type().Is(tftypes.Map{}) && v.As(&m) == nil && len(m) > 1 {
			found = true
		}
		return !found, nil
	})
	return found
}

// countKinds counts the values in v by kind.
func countKinds(v tftypes.Value, kinds map[string]int) {
	_ = tftypes.Walk(v, func(_ *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		var elems []tftypes.Value
		var m map[string]tftypes.Value
		switch typ := v.Type(); {
		case v.IsNull():
			kinds["null"]++
		case typ.Is(tftypes.List{}) && v.As(&elems) == nil:
			kinds["list"]++
			kinds[lengthKind("list", len(elems))]++
		case typ.Is(tftypes.Map{}) && v.As(&m) == nil:
			kinds["map"]++
			kinds[lengthKind("map", len(m))]++
		case typ.Is(tftypes.Object{}):
			kinds["object"]++
		default:
			kinds[strings.ToLower(strings.TrimPrefix(typ.String(), "tftypes."))]++
		}
		return true, nil
	})
}

// lengthKind names a collection's length as msgpack tells them apart: empty, fix (up to 15), longer.
func lengthKind(kind string, n int) string {
	switch {
	case n == 0:
		return "empty " + kind
	case n > 15:
		return "long " + kind
	}
	return kind
}

// shape is a random shape, collections and objects nested up to depth levels.
func (g gen) shape(depth int) shape {
	if depth == 0 || g.r.IntN(3) == 0 {
		return g.primitive()
	}
	switch g.r.IntN(5) {
	case 0:
		return g.slice(g.shape(depth - 1))
	case 1:
		return g.preEncoded(g.shape(depth - 1))
	case 2:
		return g.goMap(g.shape(depth - 1))
	case 3:
		if g.r.IntN(2) == 0 {
			return g.pointer(g.plain())
		}
		return g.pointer(g.object(depth - 1))
	}
	return g.object(depth - 1)
}

// primitive is a random primitive shape, through a framework type, a plain Go type, or an attr.Value
// that the encoder writes through tftypes.
func (g gen) primitive() shape {
	shapes := []shape{
		framework(tftypes.String, orNull(g, types.StringNull(), func() types.String { return types.StringValue(g.string()) })),
		framework(tftypes.Bool, orNull(g, types.BoolNull(), func() types.Bool { return types.BoolValue(g.r.IntN(2) == 0) })),
		framework(tftypes.Number, orNull(g, types.Int64Null(), func() types.Int64 { return types.Int64Value(g.int64()) })),
		framework(tftypes.Number, orNull(g, types.Float64Null(), func() types.Float64 { return types.Float64Value(g.float64()) })),
		// Neither a primitive the encoder knows nor a Go collection: written through tftypes.
		framework(tftypes.Number, orNull(g, types.NumberNull(), func() types.Number {
			n, m := big.NewFloat(g.float64()), big.NewFloat(g.float64())
			if n.IsInf() || m.IsInf() {
				return types.NumberValue(n) // 0 * Inf is no number
			}
			return types.NumberValue(n.SetPrec(200).Mul(n, m)) // beyond float64's precision and range
		})),
		framework(tftypes.List{ElementType: tftypes.String}, orNull(g, types.ListNull(types.StringType), func() types.List {
			elems := make([]attr.Value, g.length())
			for i := range elems {
				elems[i] = types.StringValue(g.string())
			}
			return types.ListValueMust(types.StringType, elems)
		})),
	}
	if g.r.IntN(3) == 0 {
		return g.plain()
	}
	return shapes[g.r.IntN(len(shapes))]
}

// plain is a random primitive shape through a plain Go type.
func (g gen) plain() shape {
	shapes := []shape{
		plain(tftypes.String, g.string),
		plain(tftypes.Bool, func() bool { return g.r.IntN(2) == 0 }),
		plain(tftypes.Number, g.int64),
		plain(tftypes.Number, g.float64),
	}
	return shapes[g.r.IntN(len(shapes))]
}

// framework is the shape of a framework value, made by value, as the framework converts it.
func framework[T attr.Value](typ tftypes.Type, value func() T) shape {
	return shape{typ: typ, goType: reflect.TypeFor[T](), value: func() (reflect.Value, tftypes.Value) {
		v := value()
		tv, err := v.ToTerraformValue(context.Background())
		if err != nil {
			panic(err)
		}
		return reflect.ValueOf(v), tv
	}}
}

// plain is the shape of a plain Go value, never null, as the framework's reflection converts it.
func plain[T any](typ tftypes.Type, value func() T) shape {
	return shape{typ: typ, goType: reflect.TypeFor[T](), value: func() (reflect.Value, tftypes.Value) {
		v := value()
		return reflect.ValueOf(v), tftypes.NewValue(typ, v)
	}}
}

// slice is a list of elem as a Go slice, nil as null.
func (g gen) slice(elem shape) shape {
	typ := tftypes.List{ElementType: elem.typ}
	goType := reflect.SliceOf(elem.goType)
	return shape{typ: typ, goType: goType, value: func() (reflect.Value, tftypes.Value) {
		if g.null() {
			return reflect.Zero(goType), tftypes.NewValue(typ, nil)
		}
		n := g.length()
		v, elems := reflect.MakeSlice(goType, n, n), make([]tftypes.Value, n)
		for i := range n {
			var ev reflect.Value
			ev, elems[i] = elem.value()
			v.Index(i).Set(ev)
		}
		return v, tftypes.NewValue(typ, elems)
	}}
}

// preEncoded is a list of elem as a *List, its elements appended one by one, nil as null.
func (g gen) preEncoded(elem shape) shape {
	typ := tftypes.List{ElementType: elem.typ}
	enc, err := Compile(elem.typ, elem.goType)
	if err != nil {
		panic(err)
	}
	return shape{typ: typ, goType: reflect.TypeFor[*List](), value: func() (reflect.Value, tftypes.Value) {
		if g.null() {
			return reflect.ValueOf((*List)(nil)), tftypes.NewValue(typ, nil)
		}
		l := enc.NewList()
		elems := make([]tftypes.Value, g.length())
		for i := range elems {
			var ev reflect.Value
			ev, elems[i] = elem.value()
			p := reflect.New(ev.Type())
			p.Elem().Set(ev)
			if err := l.Append(context.Background(), p.Interface()); err != nil {
				panic(err)
			}
		}
		return reflect.ValueOf(l), tftypes.NewValue(typ, elems)
	}}
}

// goMap is a map of elem as a Go map, nil as null, its keys any bytes.
func (g gen) goMap(elem shape) shape {
	typ := tftypes.Map{ElementType: elem.typ}
	goType := reflect.MapOf(reflect.TypeFor[string](), elem.goType)
	return shape{typ: typ, goType: goType, value: func() (reflect.Value, tftypes.Value) {
		if g.null() {
			return reflect.Zero(goType), tftypes.NewValue(typ, nil)
		}
		v, elems := reflect.MakeMap(goType), map[string]tftypes.Value{}
		for n := g.length(); len(elems) < n; {
			k := g.string()
			ev, tv := elem.value()
			v.SetMapIndex(reflect.ValueOf(k), ev)
			elems[k] = tv
		}
		return v, tftypes.NewValue(typ, elems)
	}}
}

// embedded is a struct a random object's Go type may embed: its fields are the object's too.
type embedded struct {
	Inner types.String `tfsdk:"embedded_attribute"`
}

// object is an object of random attributes as a Go struct of tfsdk-tagged fields, which may embed
// a struct and may have a field tagged "-", which is no attribute.
func (g gen) object(depth int) shape {
	attrTypes := map[string]tftypes.Type{}
	var fields []reflect.StructField
	var attrShapes []shape
	var names []string
	if g.r.IntN(4) == 0 {
		attrTypes["embedded_attribute"] = tftypes.String
		fields = append(fields, reflect.StructField{Name: "Embedded", Type: reflect.TypeFor[embedded](), Anonymous: true})
	}
	if g.r.IntN(4) == 0 {
		fields = append(fields, reflect.StructField{Name: "Ignored", Type: reflect.TypeFor[chan int](), Tag: `tfsdk:"-"`})
	}
	for n := g.length(); len(names) < n; {
		name := g.name()
		if _, ok := attrTypes[name]; ok {
			continue
		}
		s := g.shape(depth)
		attrTypes[name] = s.typ
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", len(names)), Type: s.goType, Tag: reflect.StructTag(`tfsdk:"` + name + `"`)})
		attrShapes, names = append(attrShapes, s), append(names, name)
	}
	typ := tftypes.Object{AttributeTypes: attrTypes}
	goType := reflect.StructOf(fields)
	return shape{typ: typ, goType: goType, value: func() (reflect.Value, tftypes.Value) {
		v, attrs := reflect.New(goType).Elem(), map[string]tftypes.Value{}
		if _, ok := attrTypes["embedded_attribute"]; ok {
			e := types.StringValue(g.string())
			v.FieldByName("Embedded").Set(reflect.ValueOf(embedded{e}))
			attrs["embedded_attribute"] = tftypes.NewValue(tftypes.String, e.ValueString())
		}
		for i, s := range attrShapes {
			var fv reflect.Value
			fv, attrs[names[i]] = s.value()
			v.FieldByName(fmt.Sprintf("F%d", i)).Set(fv)
		}
		return v, tftypes.NewValue(typ, attrs)
	}}
}

// pointer is elem through a pointer, nil as null.
func (g gen) pointer(elem shape) shape {
	goType := reflect.PointerTo(elem.goType)
	return shape{typ: elem.typ, goType: goType, value: func() (reflect.Value, tftypes.Value) {
		if g.null() {
			return reflect.Zero(goType), tftypes.NewValue(elem.typ, nil)
		}
		ev, tv := elem.value()
		p := reflect.New(elem.goType)
		p.Elem().Set(ev)
		return p, tv
	}}
}

func (g gen) null() bool { return g.r.IntN(7) == 0 }

// orNull makes null now and then, else a value.
func orNull[T any](g gen, null T, value func() T) func() T {
	return func() T {
		if g.null() {
			return null
		}
		return value()
	}
}

// length is a collection's length: mostly short, sometimes across msgpack's fix-length limit of 15.
func (g gen) length() int {
	if g.r.IntN(12) == 0 {
		return 14 + g.r.IntN(4)
	}
	return g.r.IntN(4)
}

// name is an attribute name.
func (g gen) name() string {
	b := make([]byte, 1+g.r.IntN(6))
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz_"[g.r.IntN(27)]
	}
	return string(b)
}

// string is any bytes, at msgpack's length limits now and then (fixstr 31, str8 255, str16 65535).
func (g gen) string() string {
	n := g.r.IntN(12)
	if g.r.IntN(20) == 0 {
		n = []int{31, 32, 255, 256, 65535, 65536}[g.r.IntN(6)]
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	if g.r.IntN(3) == 0 {
		return strings.ToValidUTF8(string(b), "é")
	}
	return string(b)
}

// int64 is an extreme, a boundary of msgpack's integer formats, or any int64.
func (g gen) int64() int64 {
	extremes := []int64{0, 1, -1, 127, 128, -32, -33, -128, -129, 255, 256, math.MaxInt16, math.MaxInt16 + 1,
		math.MinInt16, math.MaxUint16 + 1, math.MaxInt32, math.MaxInt32 + 1, math.MinInt32, math.MinInt32 - 1,
		math.MaxUint32 + 1, math.MaxInt64, math.MinInt64, 1 << 53, 1<<53 + 1}
	if g.r.IntN(2) == 0 {
		return extremes[g.r.IntN(len(extremes))]
	}
	return int64(g.r.Uint64())
}

// float64 is an extreme, a whole number of any magnitude, or any bits but NaN, no Terraform number.
func (g gen) float64() float64 {
	extremes := []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1 << 63, -1 << 63, 1 << 64, 1e300, -1e300,
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1),
		math.Nextafter(1<<63, 0), math.Nextafter(-1<<63, math.Inf(-1))}
	switch g.r.IntN(3) {
	case 0:
		return extremes[g.r.IntN(len(extremes))]
	case 1:
		return math.Ldexp(float64(int64(g.r.Uint64())), g.r.IntN(140)-10)
	}
	for {
		if f := math.Float64frombits(g.r.Uint64()); !math.IsNaN(f) {
			return f
		}
	}
}

// TestEncoder_rejectsMismatches: a model that does not fit the type is an error naming the field or
// attribute, at Compile, never a wrong state.
func TestEncoder_rejectsMismatches(t *testing.T) {
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String}}
	type good struct {
		A types.String `tfsdk:"a"`
	}
	type untagged struct {
		A types.String `tfsdk:"a"`
		B types.String
	}
	type missing struct {
		B types.String `tfsdk:"b"`
	}
	type extra struct {
		A types.String `tfsdk:"a"`
		B types.String `tfsdk:"b"`
	}
	type wrongType struct {
		A types.Bool `tfsdk:"a"`
	}
	cases := []struct {
		typ    tftypes.Type
		goType reflect.Type
		want   string
	}{
		{obj, reflect.TypeFor[untagged](), "field tfstate.untagged.B has no tfsdk tag"},
		{obj, reflect.TypeFor[missing](), `tfstate.missing has no field for attribute "a"`},
		{obj, reflect.TypeFor[extra](), `tfstate.extra has fields for ["b"]`},
		{obj, reflect.TypeFor[wrongType](), `attribute "a": cannot encode basetypes.BoolValue as tftypes.String`},
		{tftypes.String, reflect.TypeFor[good](), "cannot encode tfstate.good as tftypes.String"},
		{tftypes.List{ElementType: tftypes.String}, reflect.TypeFor[map[string]string](), "cannot encode map[string]string"},
		{tftypes.Map{ElementType: tftypes.String}, reflect.TypeFor[map[int]string](), "cannot encode map[int]string"},
		{tftypes.Number, reflect.TypeFor[int32](), "cannot encode int32 as tftypes.Number"},
		{tftypes.String, reflect.TypeFor[*List](), "cannot encode *tfstate.List as tftypes.String"},
		{tftypes.String, reflect.TypeFor[attr.Value](), "cannot encode attr.Value as tftypes.String"},
	}
	for _, c := range cases {
		_, err := Compile(c.typ, c.goType)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Compile(%s, %s): %v, want %q", c.typ, c.goType, err, c.want)
		}
	}
	if _, err := Compile(obj, reflect.TypeFor[good]()); err != nil {
		t.Errorf("the model that fits: %v", err)
	}
}

// TestEncoder_checksWhatItIsGiven: MarshalMsgPack and Append take only a pointer to the encoder's
// Go type, a List only as a list of what its elements were encoded as, and only once.
func TestEncoder_checksWhatItIsGiven(t *testing.T) {
	ctx := context.Background()
	str, err := Compile(tftypes.String, reflect.TypeFor[types.String]())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{nil, types.StringValue("a"), (*types.String)(nil), new(types.Bool)} {
		if _, err := str.MarshalMsgPack(ctx, v); err == nil {
			t.Errorf("MarshalMsgPack(%#v) succeeded", v)
		}
		if err := str.NewList().Append(ctx, v); err == nil {
			t.Errorf("Append(%#v) succeeded", v)
		}
	}

	type model struct {
		L *List `tfsdk:"l"`
	}
	numbers, err := Compile(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"l": tftypes.List{ElementType: tftypes.Number}}}, reflect.TypeFor[model]())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := numbers.MarshalMsgPack(ctx, &model{L: str.NewList()}); err == nil || !strings.Contains(err.Error(), "cannot encode a list of tftypes.String") {
		t.Errorf("a list of strings as a list of numbers: %v", err)
	}

	listOfStrings := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"l": tftypes.List{ElementType: tftypes.String}}}
	enc, err := Compile(listOfStrings, reflect.TypeFor[model]())
	if err != nil {
		t.Fatal(err)
	}
	l := str.NewList()
	for _, s := range []string{"a", "b"} {
		if err := l.Append(ctx, new(types.StringValue(s))); err != nil {
			t.Fatal(err)
		}
	}
	if l.Len() != 2 || l.Size() != 4 {
		t.Errorf("Len %d, Size %d; want 2 and 4", l.Len(), l.Size())
	}
	got, err := enc.MarshalMsgPack(ctx, &model{L: l})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := tfprotov6.NewDynamicValue(listOfStrings, tftypes.NewValue(listOfStrings, map[string]tftypes.Value{"l": tftypes.NewValue(
		tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "a"), tftypes.NewValue(tftypes.String, "b")})}))
	if !bytes.Equal(got, want.MsgPack) {
		t.Errorf("got %x, want %x", got, want.MsgPack)
	}
	if _, err := enc.MarshalMsgPack(ctx, &model{L: l}); err == nil {
		t.Error("a List written twice")
	}
	if err := l.Append(ctx, new(types.StringValue("c"))); err == nil {
		t.Error("Append to a List written already")
	}
}
