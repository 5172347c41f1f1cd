package vbs

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// serviceTypes and backupTypes name the documented codes of ST and Type.
var (
	serviceTypes = map[int64]string{0: "disk", 1: "vm", 4: "disk_copy", 5: "vm_copy"}
	backupTypes  = map[int64]string{0: "full", 1: "incremental"}
)

// serviceMetadataKeys are the documented keys of service_metadata, which parseServiceMetadataObject
// maps onto ServiceMetadata, and descriptionKeys those of a JSON description (parseDescription).
var (
	serviceMetadataKeys = []string{"DL", "ST", "Type", "VK", "bootable", "backupurl", "SP", "VMID", "BT", "SS", "BP",
		"CMKID", "progress", "CS", "VT", "OMID", "ebk_T_I", "AT"}
	descriptionKeys = []string{"DESC", "INC"}
)

// parseServiceMetadata reads service_metadata, which the API sends as a string of JSON (with
// surrounding spaces in its own example); an object is tolerated. text is the value as returned
// (an object as compact JSON text) with every volume key masked (see maskVolumeKeys); text that is
// not JSON is kept only where it cannot hold a volume key (see mayNameVolumeKey), else it is nil
// and noted as WithheldServiceMetadata. Empty, null and absent give no metadata and no warning.
func parseServiceMetadata(raw []byte) (text *string, sm *ServiceMetadata, unreadable []string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil, nil
	}
	obj := raw
	if b, ok := unquoteBytes(raw); ok {
		obj = bytes.TrimSpace(b)
		// Cinder's chunked drivers (swift, posix, nfs) store a plain object prefix here: text that
		// is not meant as JSON is a value, not an unreadable one.
		meantAsJSON := len(obj) > 0 && (obj[0] == '{' || obj[0] == '[')
		switch {
		case !validJSON(obj) && mayNameVolumeKey(b):
			if meantAsJSON {
				return nil, nil, []string{"service_metadata", WithheldServiceMetadata}
			}
			return nil, nil, []string{WithheldServiceMetadata}
		case !validJSON(obj):
			if meantAsJSON {
				return ptrTo(string(b)), nil, []string{"service_metadata"}
			}
			return ptrTo(string(b)), nil, nil
		}
		text = ptrTo(string(maskVolumeKeys(b)))
		if !meantAsJSON {
			return text, nil, nil
		}
	} else {
		text = ptrTo(valueText(maskVolumeKeys(raw)))
	}
	if !isObject(obj) {
		return text, nil, []string{"service_metadata"}
	}
	sm, unreadable = parseServiceMetadataObject(obj)
	return text, sm, unreadable
}

// MaskedVolumeKey stands for the value of VK in Backup.ServiceMetadataJSON.
const MaskedVolumeKey = "(sensitive)"

// maskVolumeKeys replaces the value of every VK member of the valid JSON doc, at any depth and
// however escapes spell its name, with MaskedVolumeKey, keeping every other byte as it was. The
// raw text must not carry the secret: marking it sensitive instead would put a sensitive value in
// every backup, and Terraform's cost of those grows with the square of their number. It
// returns doc itself when there is nothing to mask.
func maskVolumeKeys(doc []byte) []byte {
	var out []byte
	last := 0
	for key, raw := range each(doc) {
		var masked []byte
		switch {
		case string(key) == "VK" && string(raw) != "null":
			masked = strconv.AppendQuote(nil, MaskedVolumeKey)
		case raw[0] == '{' || raw[0] == '[':
			if m := maskVolumeKeys(raw); &m[0] != &raw[0] {
				masked = m
			}
		}
		if masked == nil {
			continue
		}
		start := cap(doc) - cap(raw) // raw is doc[start:start+len(raw)]
		out = append(append(out, doc[last:start]...), masked...)
		last = start + len(raw)
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

// maxUnescapes is how many times mayNameVolumeKey decodes escapes: text escaped more often than
// that is taken to hide a VK key.
const maxUnescapes = 4

// mayNameVolumeKey reports whether text that is not valid JSON could hold a VK key, whose value
// could then not be told apart from the rest: whether the word VK, in any case, appears in it
// once its JSON escapes are decoded, as many times as they nest (up to maxUnescapes).
func mayNameVolumeKey(text []byte) bool {
	for range maxUnescapes {
		if hasVKWord(text) {
			return true
		}
		decoded, changed := unescapeLoosely(text)
		if !changed {
			return false
		}
		text = decoded
	}
	return hasVKWord(text) || bytes.IndexByte(text, '\\') >= 0
}

// hasVKWord reports whether text holds "vk" in any case, not as part of a longer word.
func hasVKWord(text []byte) bool {
	word := func(i int) bool {
		c := text[i] | 0x20 // lower case for letters
		return 'a' <= c && c <= 'z' || '0' <= text[i] && text[i] <= '9' || text[i] == '_'
	}
	for i := 0; i+1 < len(text); i++ {
		if text[i]|0x20 == 'v' && text[i+1]|0x20 == 'k' && (i == 0 || !word(i-1)) && (i+2 == len(text) || !word(i+2)) {
			return true
		}
	}
	return false
}

// unescapeLoosely decodes the JSON escapes of text that need not be valid JSON: a valid escape
// becomes its character (a lone surrogate U+FFFD), the backslash of any other is dropped. It
// reports whether text had any backslash, each of which it decoded or dropped.
func unescapeLoosely(text []byte) ([]byte, bool) {
	if bytes.IndexByte(text, '\\') < 0 {
		return text, false
	}
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		if text[i] != '\\' {
			out = append(out, text[i])
			continue
		}
		if i++; i == len(text) {
			break // a backslash that ends the text escapes nothing
		}
		if ch, ok := shortEscape(text[i]); ok {
			out = append(out, ch)
			continue
		}
		if r, ok := hex4(text[i+1:]); ok && text[i] == 'u' {
			out = utf8.AppendRune(out, r) // a surrogate becomes U+FFFD, which names no key
			i += 4
			continue
		}
		out = append(out, text[i])
	}
	return out, true
}

// serviceMetadataValues holds a ServiceMetadata and the values it points to, so that parsing one
// costs one allocation instead of one per key.
type serviceMetadataValues struct {
	sm                                                    ServiceMetadata
	dl, st                                                field[int64]
	vk, backupURL, sp, vmid, bp, cmkid, vt, omid, jobID   field[string]
	serviceType, backupType                               field[string]
	bootable, deduplicated, compressed                    field[bool]
	storageType, spaceSavingRate, progress, chainSize, at field[float64]
}

// parseServiceMetadataObject maps the documented keys onto ServiceMetadata and keeps every other
// key in Extra. obj must be a valid JSON object.
func parseServiceMetadataObject(obj []byte) (*ServiceMetadata, []string) {
	v := &serviceMetadataValues{}
	sm := &v.sm
	r := reader{prefix: "service_metadata."}
	for key, raw := range each(obj) {
		switch string(key) {
		case "DL":
			v.dl.read(raw, parseInt)
		case "ST":
			v.st.read(raw, parseInt)
		case "Type":
			sm.BackupType = r.code(&v.backupType, raw, backupTypes, "Type")
		case "VK":
			sm.VolumeKey = readInto(&r, &v.vk, raw, parseText, "VK")
		case "bootable":
			sm.Bootable = readInto(&r, &v.bootable, raw, parseBool, "bootable")
		case "backupurl":
			sm.BackupURL = readInto(&r, &v.backupURL, raw, parseText, "backupurl")
		case "SP":
			sm.StoragePath = readInto(&r, &v.sp, raw, parseText, "SP")
		case "VMID":
			sm.VMID = readInto(&r, &v.vmid, raw, parseText, "VMID")
		case "BT":
			sm.StorageType = readInto(&r, &v.storageType, raw, parseFloat, "BT")
		case "SS":
			sm.SpaceSavingRate = readInto(&r, &v.spaceSavingRate, raw, parseFloat, "SS")
		case "BP":
			sm.StorageUnitPath = readInto(&r, &v.bp, raw, parseText, "BP")
		case "CMKID":
			sm.CMKID = readInto(&r, &v.cmkid, raw, parseText, "CMKID")
		case "progress":
			sm.Progress = readInto(&r, &v.progress, raw, parseFloat, "progress")
		case "CS":
			sm.ChainSizeMB = readInto(&r, &v.chainSize, raw, parseFloat, "CS")
		case "VT":
			sm.VolumeType = readInto(&r, &v.vt, raw, parseText, "VT")
		case "OMID":
			sm.HostID = readInto(&r, &v.omid, raw, parseText, "OMID")
		case "ebk_T_I":
			sm.JobID = readInto(&r, &v.jobID, raw, parseText, "ebk_T_I")
		case "AT":
			sm.AverageRateMbps = readInto(&r, &v.at, raw, parseFloat, "AT")
		default:
			if sm.Extra == nil {
				sm.Extra = map[string]string{}
			}
			sm.Extra[string(key)] = valueText(maskVolumeKeys(raw)) // a VK of a nested object is masked too
		}
	}

	// DL and ST have documented defaults for an absent key; null is taken as absent.
	if v.dl.bad || v.dl.v < 0 || v.dl.v > 3 {
		r.unreadable = append(r.unreadable, r.prefix+"DL")
	} else {
		v.deduplicated = field[bool]{v: v.dl.v&1 != 0, set: true}
		v.compressed = field[bool]{v: v.dl.v&2 != 0, set: true}
		sm.Deduplicated, sm.Compressed = v.deduplicated.ptr(), v.compressed.ptr()
	}
	if v.st.bad {
		r.unreadable = append(r.unreadable, r.prefix+"ST")
	} else {
		v.serviceType = field[string]{v: codeName(v.st.v, serviceTypes), set: true} // absent: 0, disk
		sm.ServiceType = v.serviceType.ptr()
	}
	return sm, r.unreadable
}

// reader collects the keys (see Backup.Unreadable) of the values that could not be read.
type reader struct {
	prefix     string
	unreadable []string
}

// readInto parses the value of key into f and returns its address; a value that cannot be read is
// nil and its key is noted.
func readInto[T any](r *reader, f *field[T], raw []byte, parse func([]byte) (T, bool), key string) *T {
	f.read(raw, parse)
	if f.bad {
		r.unreadable = append(r.unreadable, r.prefix+key)
	}
	return f.ptr()
}

// code reads a numeric code into f as its documented name, or an undocumented one as its decimal
// text.
func (r *reader) code(f *field[string], raw []byte, names map[int64]string, key string) *string {
	var n field[int64]
	if readInto(r, &n, raw, parseInt, key) == nil {
		return nil
	}
	*f = field[string]{v: codeName(n.v, names), set: true}
	return f.ptr()
}

func codeName(n int64, names map[int64]string) string {
	if s, ok := names[n]; ok {
		return s
	}
	return strconv.FormatInt(n, 10)
}

// parseDescription reads the JSON that Huawei VBS may put in description ({"DESC": ..., "INC": 1});
// any other description is its own text. A description that starts like JSON but is not valid
// JSON is kept as text and noted, because it most likely means a server or client bug.
func parseDescription(desc *string) (text *string, incremental *bool, unreadable []string) {
	if desc == nil {
		return nil, nil, nil
	}
	trimmed := strings.TrimSpace(*desc)
	if !strings.HasPrefix(trimmed, "{") {
		return desc, nil, nil
	}
	obj := []byte(trimmed)
	if !validJSON(obj) {
		return desc, nil, []string{"description"}
	}
	r := reader{prefix: "description."}
	var values struct {
		text        field[string]
		incremental field[bool]
	}
	for key, v := range each(obj) {
		switch string(key) {
		case "DESC":
			text = readInto(&r, &values.text, v, parseText, "DESC")
		case "INC":
			incremental = readInto(&r, &values.incremental, v, parseBool, "INC")
		}
	}
	return text, incremental, r.unreadable
}

func ptrTo[T any](v T) *T { return &v }
