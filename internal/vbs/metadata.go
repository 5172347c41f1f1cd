package vbs

import (
	"bytes"
	"strconv"
	"strings"
)

// serviceTypes and backupTypes name the documented codes of ST and Type.
var (
	serviceTypes = map[int64]string{0: "disk", 1: "vm", 4: "disk_copy", 5: "vm_copy"}
	backupTypes  = map[int64]string{0: "full", 1: "incremental"}
)

// serviceMetadataField holds service_metadata, parsed as soon as it is decoded because
// encoding/json does not let an Unmarshaler keep the bytes it is handed.
type serviceMetadataField struct {
	text       *string
	parsed     *ServiceMetadata
	unreadable []string
}

func (f *serviceMetadataField) UnmarshalJSON(raw []byte) error {
	f.text, f.parsed, f.unreadable = parseServiceMetadata(raw)
	return nil
}

// parseServiceMetadata reads service_metadata, which the API sends as a string of JSON (with
// surrounding spaces in its own example); an object is tolerated. text is the value as returned
// (an object as compact JSON text) with the volume key masked. Empty, null and absent give no
// metadata and no warning.
func parseServiceMetadata(raw []byte) (text *string, sm *ServiceMetadata, unreadable []string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil, nil
	}
	obj := raw
	if b, ok := unquoteBytes(raw); ok {
		text = ptrTo(string(maskVolumeKey(b)))
		obj = bytes.TrimSpace(b)
		// Cinder's chunked drivers (swift, posix, nfs) store a plain object prefix here: text that
		// is not meant as JSON is a value, not an unreadable one.
		if len(obj) == 0 || string(obj) == "null" || obj[0] != '{' && obj[0] != '[' {
			return text, nil, nil
		}
	} else {
		text = ptrTo(valueText(maskVolumeKey(raw)))
	}
	if !validJSON(obj) || !isObject(obj) {
		return cutVolumeKey(text), nil, []string{"service_metadata"}
	}
	sm, unreadable = parseServiceMetadataObject(obj)
	return text, sm, unreadable
}

// MaskedVolumeKey stands for the value of VK in Backup.ServiceMetadataJSON.
const MaskedVolumeKey = "(sensitive)"

// maskVolumeKey replaces the value of each top-level VK member of a JSON object with
// MaskedVolumeKey, keeping every other byte as it was. The raw text must not carry the secret:
// marking it sensitive instead would put a sensitive value in every backup, and Terraform's cost
// of those grows with the square of their number (a plan of 10,000 backups took minutes).
// In malformed JSON the scan stops at the fault; cutVolumeKey handles what lies beyond it.
func maskVolumeKey(obj []byte) []byte {
	var out []byte
	last := 0
	for key, raw := range each(obj) {
		if string(key) != "VK" || string(raw) == "null" {
			continue
		}
		start := cap(obj) - cap(raw) // raw is obj[start:end]
		out = append(out, obj[last:start]...)
		out = strconv.AppendQuote(out, MaskedVolumeKey)
		last = start + len(raw)
	}
	if out == nil {
		return obj
	}
	return append(out, obj[last:]...)
}

// cutVolumeKey ends malformed service_metadata text at a VK key that maskVolumeKey could not
// reach, since where its value ends cannot be told.
func cutVolumeKey(text *string) *string {
	i := strings.Index(*text, `"VK"`)
	if i < 0 || strings.HasPrefix((*text)[i+4:], ": "+strconv.Quote(MaskedVolumeKey)) {
		return text
	}
	return ptrTo((*text)[:i+4] + ": " + strconv.Quote(MaskedVolumeKey) + " (the rest is not valid JSON)")
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
			sm.BackupType = r.code(&v.backupType, raw, backupTypes, "backup_type")
		case "VK":
			sm.VolumeKey = readInto(&r, &v.vk, raw, parseText, "volume_key")
		case "bootable":
			sm.Bootable = readInto(&r, &v.bootable, raw, parseBool, "bootable")
		case "backupurl":
			sm.BackupURL = readInto(&r, &v.backupURL, raw, parseText, "backup_url")
		case "SP":
			sm.StoragePath = readInto(&r, &v.sp, raw, parseText, "storage_path")
		case "VMID":
			sm.VMID = readInto(&r, &v.vmid, raw, parseText, "vm_id")
		case "BT":
			sm.StorageType = readInto(&r, &v.storageType, raw, parseFloat, "storage_type")
		case "SS":
			sm.SpaceSavingRate = readInto(&r, &v.spaceSavingRate, raw, parseFloat, "space_saving_rate")
		case "BP":
			sm.StorageUnitPath = readInto(&r, &v.bp, raw, parseText, "storage_unit_path")
		case "CMKID":
			sm.CMKID = readInto(&r, &v.cmkid, raw, parseText, "cmk_id")
		case "progress":
			sm.Progress = readInto(&r, &v.progress, raw, parseFloat, "progress")
		case "CS":
			sm.ChainSizeMB = readInto(&r, &v.chainSize, raw, parseFloat, "chain_size_mb")
		case "VT":
			sm.VolumeType = readInto(&r, &v.vt, raw, parseText, "volume_type")
		case "OMID":
			sm.HostID = readInto(&r, &v.omid, raw, parseText, "host_id")
		case "ebk_T_I":
			sm.JobID = readInto(&r, &v.jobID, raw, parseText, "job_id")
		case "AT":
			sm.AverageRateMbps = readInto(&r, &v.at, raw, parseFloat, "average_rate_mbps")
		default:
			if sm.Extra == nil {
				sm.Extra = map[string]string{}
			}
			sm.Extra[string(key)] = valueText(raw)
		}
	}

	// DL and ST have documented defaults for an absent key; null is taken as absent.
	if v.dl.bad || v.dl.v < 0 || v.dl.v > 3 {
		r.unreadable = append(r.unreadable, r.prefix+"deduplicated", r.prefix+"compressed")
	} else {
		v.deduplicated = field[bool]{v: v.dl.v&1 != 0, set: true}
		v.compressed = field[bool]{v: v.dl.v&2 != 0, set: true}
		sm.Deduplicated, sm.Compressed = v.deduplicated.ptr(), v.compressed.ptr()
	}
	if v.st.bad {
		r.unreadable = append(r.unreadable, r.prefix+"service_type")
	} else {
		v.serviceType = field[string]{v: codeName(v.st.v, serviceTypes), set: true} // absent: 0, disk
		sm.ServiceType = v.serviceType.ptr()
	}
	return sm, r.unreadable
}

// reader collects the names of the attributes whose values could not be read.
type reader struct {
	prefix     string
	unreadable []string
}

// readInto parses one value into f and returns its address; a value that cannot be read is nil
// and its attribute is noted.
func readInto[T any](r *reader, f *field[T], raw []byte, parse func([]byte) (T, bool), name string) *T {
	f.read(raw, parse)
	if f.bad {
		r.unreadable = append(r.unreadable, r.prefix+name)
	}
	return f.ptr()
}

// code reads a numeric code into f as its documented name, or an undocumented one as its decimal
// text.
func (r *reader) code(f *field[string], raw []byte, names map[int64]string, name string) *string {
	var n field[int64]
	if readInto(r, &n, raw, parseInt, name) == nil {
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
	var r reader
	var values struct {
		text        field[string]
		incremental field[bool]
	}
	for key, v := range each(obj) {
		switch string(key) {
		case "DESC":
			text = readInto(&r, &values.text, v, parseText, "description_text")
		case "INC":
			incremental = readInto(&r, &values.incremental, v, parseBool, "incremental_requested")
		}
	}
	return text, incremental, r.unreadable
}

func ptrTo[T any](v T) *T { return &v }
