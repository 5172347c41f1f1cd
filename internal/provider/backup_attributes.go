package provider

// The attributes of one backup, which an element of vbs_backups.backups and vbs_backup share: their
// schema, their model and the mapping from the API client's Backup, in one place for both. A new
// attribute is its field in backupModel plus one row of backupAttributeTable, which holds its name,
// its schema and its mapping; backupAttributes, setBackupModel and newBackupModel derive from the table.

import (
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// backupModel is one backup. The attributes that are also filter arguments are backupFilterModel's,
// which the listing data sources hold as arguments.
type backupModel struct {
	backupFilterModel
	ID                   types.String          `tfsdk:"id"`
	FailReason           types.String          `tfsdk:"fail_reason"`
	Container            types.String          `tfsdk:"container"`
	Description          types.String          `tfsdk:"description"`
	DescriptionText      types.String          `tfsdk:"description_text"`
	IncrementalRequested types.Bool            `tfsdk:"incremental_requested"`
	Size                 types.Int64           `tfsdk:"size"`
	ObjectCount          types.Int64           `tfsdk:"object_count"`
	CreatedAt            types.String          `tfsdk:"created_at"`
	UpdatedAt            types.String          `tfsdk:"updated_at"`
	DataTimestamp        types.String          `tfsdk:"data_timestamp"`
	HasDependentBackups  types.Bool            `tfsdk:"has_dependent_backups"`
	IsIncremental        types.Bool            `tfsdk:"is_incremental"`
	Links                []linkModel           `tfsdk:"links"`
	UserID               types.String          `tfsdk:"user_id"`
	EncryptionKeyID      types.String          `tfsdk:"encryption_key_id"`
	ServiceMetadataJSON  types.String          `tfsdk:"service_metadata_json"`
	ServiceMetadata      *serviceMetadataModel `tfsdk:"service_metadata"`
}

type linkModel struct {
	Href types.String `tfsdk:"href"`
	Rel  types.String `tfsdk:"rel"`
}

type serviceMetadataModel struct {
	Deduplicated    types.Bool        `tfsdk:"deduplicated"`
	Compressed      types.Bool        `tfsdk:"compressed"`
	Bootable        types.Bool        `tfsdk:"bootable"`
	BackupURL       types.String      `tfsdk:"backup_url"`
	StoragePath     types.String      `tfsdk:"storage_path"`
	VMID            types.String      `tfsdk:"vm_id"`
	ServiceType     types.String      `tfsdk:"service_type"`
	StorageType     types.Float64     `tfsdk:"storage_type"`
	SpaceSavingRate types.Float64     `tfsdk:"space_saving_rate"`
	StorageUnitPath types.String      `tfsdk:"storage_unit_path"`
	CMKID           types.String      `tfsdk:"cmk_id"`
	Progress        types.Float64     `tfsdk:"progress"`
	ChainSizeMB     types.Float64     `tfsdk:"chain_size_mb"`
	VolumeType      types.String      `tfsdk:"volume_type"`
	HostID          types.String      `tfsdk:"host_id"`
	BackupType      types.String      `tfsdk:"backup_type"`
	JobID           types.String      `tfsdk:"job_id"`
	AverageRateMbps types.Float64     `tfsdk:"average_rate_mbps"`
	Extra           map[string]string `tfsdk:"extra"`
}

// backupAttribute is one attribute of a backup: its name, its schema, and set, which writes the
// attribute's value from the client's backup into the model, so that the two cannot drift apart.
type backupAttribute struct {
	name   string
	schema schema.Attribute
	set    func(m *backupModel, b *vbs.Backup)
}

// backupAttributeTable is every attribute of a backup, each once; TestBackupAttributes_tableMatchesModel
// holds it to backupModel's tags.
var backupAttributeTable = []backupAttribute{
	{"id", str("Backup id."),
		func(m *backupModel, b *vbs.Backup) { m.ID = types.StringValue(b.ID) }},
	{"name", str("Backup name."),
		func(m *backupModel, b *vbs.Backup) { m.Name = types.StringPointerValue(b.Name) }},
	{"status", str("Backup status, for example `available`."),
		func(m *backupModel, b *vbs.Backup) { m.Status = types.StringPointerValue(b.Status) }},
	{"availability_zone", str("Availability zone of the backup."),
		func(m *backupModel, b *vbs.Backup) { m.AvailabilityZone = types.StringPointerValue(b.AvailabilityZone) }},
	{"volume_id", str("Id of the backed-up volume (disk)."),
		func(m *backupModel, b *vbs.Backup) { m.VolumeID = types.StringPointerValue(b.VolumeID) }},
	{"snapshot_id", str("Id of the snapshot the backup was made from."),
		func(m *backupModel, b *vbs.Backup) { m.SnapshotID = types.StringPointerValue(b.SnapshotID) }},
	{"fail_reason", str("Why the backup failed."),
		func(m *backupModel, b *vbs.Backup) { m.FailReason = types.StringPointerValue(b.FailReason) }},
	{"container", str("Container that holds the backup."),
		func(m *backupModel, b *vbs.Backup) { m.Container = types.StringPointerValue(b.Container) }},
	{"description", str("Description exactly as returned; on Huawei Cloud VBS often a JSON object."),
		func(m *backupModel, b *vbs.Backup) { m.Description = types.StringPointerValue(b.Description) }},
	{"description_text", str("`DESC` of a JSON description, else the description itself."),
		func(m *backupModel, b *vbs.Backup) { m.DescriptionText = types.StringPointerValue(b.DescriptionText) }},
	{"incremental_requested", boolean("`INC` of a JSON description: whether an incremental backup was requested. Null for a plain description."),
		func(m *backupModel, b *vbs.Backup) {
			m.IncrementalRequested = types.BoolPointerValue(b.IncrementalRequested)
		}},
	{"size", integer("Size in GB."),
		func(m *backupModel, b *vbs.Backup) { m.Size = types.Int64PointerValue(b.Size) }},
	{"object_count", integer("Number of objects the backup occupies in object storage."),
		func(m *backupModel, b *vbs.Backup) { m.ObjectCount = types.Int64PointerValue(b.ObjectCount) }},
	{"created_at", timestamp("Creation time"),
		func(m *backupModel, b *vbs.Backup) { m.CreatedAt = timeValue(b.CreatedAt) }},
	{"updated_at", timestamp("Last update time"),
		func(m *backupModel, b *vbs.Backup) { m.UpdatedAt = timeValue(b.UpdatedAt) }},
	{"data_timestamp", timestamp("Time of the data in the backup"),
		func(m *backupModel, b *vbs.Backup) { m.DataTimestamp = timeValue(b.DataTimestamp) }},
	{"tenant_id", str("Project that owns the backup (`os-bak-tenant-attr:tenant_id` on v2, `os-backup-project-attr:project_id` on v3)."),
		func(m *backupModel, b *vbs.Backup) { m.TenantID = types.StringPointerValue(b.TenantID) }},
	{"has_dependent_backups", boolean("Whether incremental backups depend on this one."),
		func(m *backupModel, b *vbs.Backup) {
			m.HasDependentBackups = types.BoolPointerValue(b.HasDependentBackups)
		}},
	{"is_incremental", boolean("Whether this is an incremental backup, exactly as the API returned it."),
		func(m *backupModel, b *vbs.Backup) { m.IsIncremental = types.BoolPointerValue(b.IsIncremental) }},
	{"incremental", boolean("Whether this is an incremental backup: `is_incremental` where the API returns a readable one, " +
		"else `service_metadata.backup_type` (`incremental` is true, `full` false; Huawei Cloud VBS sends no `is_incremental`), else null."),
		func(m *backupModel, b *vbs.Backup) { m.Incremental = types.BoolPointerValue(b.Incremental) }},
	{"links", schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "Links to the backup.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"href": str("URL."),
			"rel":  str("Relation, `self` or `bookmark`."),
		}},
	}, func(m *backupModel, b *vbs.Backup) {
		if b.Links == nil {
			return
		}
		m.Links = make([]linkModel, len(b.Links))
		for i, l := range b.Links {
			m.Links[i] = linkModel{Href: types.StringValue(l.Href), Rel: types.StringValue(l.Rel)}
		}
	}},
	{"metadata", schema.MapAttribute{
		Computed: true, ElementType: types.StringType,
		MarkdownDescription: "User metadata (Cinder microversion 3.43 and later); null where the API does not return it.",
	}, func(m *backupModel, b *vbs.Backup) { m.Metadata = b.Metadata }},
	{"user_id", str("User who created the backup (Cinder microversion 3.56 and later)."),
		func(m *backupModel, b *vbs.Backup) { m.UserID = types.StringPointerValue(b.UserID) }},
	{"encryption_key_id", str("Encryption key id (Cinder microversion 3.64 and later)."),
		func(m *backupModel, b *vbs.Backup) { m.EncryptionKeyID = types.StringPointerValue(b.EncryptionKeyID) }},
	{"service_metadata_json", str("`service_metadata` exactly as returned, but for the value of every `VK` member at any " +
		"depth, however escapes spell its name, which reads `(sensitive)`: the volume key itself is read only on request " +
		"(`include_volume_keys`, or the ephemeral resource `vbs_backup_volume_key`). " +
		"Null, with a warning, where the text is not valid JSON and may hold a `VK` key, whose value could not be masked."),
		func(m *backupModel, b *vbs.Backup) {
			m.ServiceMetadataJSON = types.StringPointerValue(b.ServiceMetadataJSON)
		}},
	{"service_metadata", schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "`service_metadata` parsed (Huawei Cloud VBS); null where it is absent or not a JSON object. " +
			"Each attribute is null where its key is absent, unless a default is named.",
		Attributes: serviceMetadataAttributes(),
	}, func(m *backupModel, b *vbs.Backup) { m.ServiceMetadata = newServiceMetadataModel(b.ServiceMetadata) }},
}

// backupAttributes is the schema of a backup's attributes, a new map on each call that a data source
// may add to or replace entries of; the nested attributes within are shared, not to be edited.
func backupAttributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(backupAttributeTable))
	for _, a := range backupAttributeTable {
		attrs[a.name] = a.schema
	}
	return attrs
}

// str, boolean, integer and timestamp are the computed attributes that most of a backup's are.
func str(d string) schema.Attribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: d}
}

func boolean(d string) schema.Attribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: d}
}

func integer(d string) schema.Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: d}
}

func timestamp(d string) schema.Attribute {
	return str(d + ", RFC 3339 in UTC (`2013-06-27T08:48:03Z`).")
}

func serviceMetadataAttributes() map[string]schema.Attribute {
	number := func(d string) schema.Attribute {
		return schema.Float64Attribute{Computed: true, MarkdownDescription: d}
	}
	return map[string]schema.Attribute{
		"deduplicated":      boolean("Whether the backup is deduplicated (`DL` 1 or 3; `false` where `DL` is absent)."),
		"compressed":        boolean("Whether the backup is compressed (`DL` 2 or 3; `false` where `DL` is absent)."),
		"bootable":          boolean("Whether the volume is a boot disk (`bootable`)."),
		"backup_url":        str("Backup image id on the backup system (`backupurl`)."),
		"storage_path":      str("Path of the backup image in the storage unit (`SP`)."),
		"vm_id":             str("VM the backup image belongs to (`VMID`)."),
		"service_type":      str("`disk`, `vm`, `disk_copy` or `vm_copy` (`ST` 0, 1, 4, 5; `disk` where absent; an unknown code as its number)."),
		"storage_type":      number("Backup storage type (`BT`)."),
		"space_saving_rate": number("Space saving rate (`SS`)."),
		"storage_unit_path": str("Storage unit path (`BP`)."),
		"cmk_id":            str("CMK id of an encrypted volume (`CMKID`)."),
		"progress":          number("Backup progress (`progress`)."),
		"chain_size_mb":     number("Total backup data of the chain the backup belongs to, in MB (`CS`)."),
		"volume_type":       str("Disk type of the production storage (`VT`)."),
		"host_id":           str("Host of the job execution node (`OMID`)."),
		"backup_type":       str("`full` or `incremental` (`Type` 0 or 1; an unknown code as its number)."),
		"job_id":            str("Job id on the backup system (`ebk_T_I`)."),
		"average_rate_mbps": number("Average throughput in MB/s (`AT`)."),
		"extra": schema.MapAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Every other key (for example `BackupSize`, `snap_id`): a string as it is, any other value as " +
				"compact JSON, in which the value of every `VK` member reads `(sensitive)`.",
		},
	}
}

// unreadableAttributes maps the keys that the client reports a value of unreadable
// (vbs.UnreadableKeys, as vbs.Backup.Unreadable names them) to the attributes of a backup that the
// value leaves null, where those are not the attribute of the key's own name (unreadableAttributesOf);
// volumeKeyAttribute stands for the data source's attribute of volume keys.
var unreadableAttributes = map[string][]string{
	"description.DESC":                  {"description_text"},
	"description.INC":                   {"incremental_requested"},
	"os-bak-tenant-attr:tenant_id":      {"tenant_id"},
	"os-backup-project-attr:project_id": {"tenant_id"},
	vbs.WithheldServiceMetadata:         {"service_metadata_json"},
	"service_metadata.DL":               {"service_metadata.deduplicated", "service_metadata.compressed"},
	"service_metadata.ST":               {"service_metadata.service_type"},
	"service_metadata.Type":             {"service_metadata.backup_type"},
	"service_metadata.VK":               {volumeKeyAttribute},
	"service_metadata.backupurl":        {"service_metadata.backup_url"},
	"service_metadata.SP":               {"service_metadata.storage_path"},
	"service_metadata.VMID":             {"service_metadata.vm_id"},
	"service_metadata.BT":               {"service_metadata.storage_type"},
	"service_metadata.SS":               {"service_metadata.space_saving_rate"},
	"service_metadata.BP":               {"service_metadata.storage_unit_path"},
	"service_metadata.CMKID":            {"service_metadata.cmk_id"},
	"service_metadata.CS":               {"service_metadata.chain_size_mb"},
	"service_metadata.VT":               {"service_metadata.volume_type"},
	"service_metadata.OMID":             {"service_metadata.host_id"},
	"service_metadata.ebk_T_I":          {"service_metadata.job_id"},
	"service_metadata.AT":               {"service_metadata.average_rate_mbps"},
}

// unreadableAttributesOf are the attributes that an unreadable value of key leaves null: those
// unreadableAttributes names, else the attribute of the key's own name.
func unreadableAttributesOf(key string) []string {
	if attrs, ok := unreadableAttributes[key]; ok {
		return attrs
	}
	return []string{key}
}

// volumeKeyAttribute stands, in unreadableAttributes, for the attribute that holds a backup's
// volume key: volume_key of vbs_backup, volume_keys (by backup id) of vbs_backups.
const volumeKeyAttribute = "volume_key"

// unreadableAttributeNames are the attributes that the unreadable values of keys leave null, in the
// order of keys, each once; volumeKey names the data source's attribute of volume keys. A key
// without an entry, which TestBackupAttributes_unreadableCoverTheClient rules out, is named as it is.
func unreadableAttributeNames(keys []string, volumeKey string) []string {
	var names []string
	for _, key := range keys {
		for _, a := range unreadableAttributesOf(key) {
			if a == volumeKeyAttribute {
				a = volumeKey
			}
			if !slices.Contains(names, a) {
				names = append(names, a)
			}
		}
	}
	return names
}

// newBackupModel maps the client's backup onto a new model.
func newBackupModel(b *vbs.Backup) backupModel {
	var m backupModel
	setBackupModel(&m, b)
	return m
}

// setBackupModel makes *m the model of the client's backup, attribute by attribute of the table. The
// fast path calls it once for each of up to 100,000 backups into one model it reuses: a loop of calls
// and no map or reflection, and no allocation of a model per backup, as a local model handed to the
// table's functions would be.
func setBackupModel(m *backupModel, b *vbs.Backup) {
	*m = backupModel{}
	for i := range backupAttributeTable {
		backupAttributeTable[i].set(m, b)
	}
}

// newServiceMetadataModel maps parsed service_metadata onto the attributes that vbs_backups,
// vbs_backup and provider::vbs::service_metadata_parse share; nil stays nil.
func newServiceMetadataModel(s *vbs.ServiceMetadata) *serviceMetadataModel {
	if s == nil {
		return nil
	}
	return &serviceMetadataModel{
		Deduplicated:    types.BoolPointerValue(s.Deduplicated),
		Compressed:      types.BoolPointerValue(s.Compressed),
		Bootable:        types.BoolPointerValue(s.Bootable),
		BackupURL:       types.StringPointerValue(s.BackupURL),
		StoragePath:     types.StringPointerValue(s.StoragePath),
		VMID:            types.StringPointerValue(s.VMID),
		ServiceType:     types.StringPointerValue(s.ServiceType),
		StorageType:     types.Float64PointerValue(s.StorageType),
		SpaceSavingRate: types.Float64PointerValue(s.SpaceSavingRate),
		StorageUnitPath: types.StringPointerValue(s.StorageUnitPath),
		CMKID:           types.StringPointerValue(s.CMKID),
		Progress:        types.Float64PointerValue(s.Progress),
		ChainSizeMB:     types.Float64PointerValue(s.ChainSizeMB),
		VolumeType:      types.StringPointerValue(s.VolumeType),
		HostID:          types.StringPointerValue(s.HostID),
		BackupType:      types.StringPointerValue(s.BackupType),
		JobID:           types.StringPointerValue(s.JobID),
		AverageRateMbps: types.Float64PointerValue(s.AverageRateMbps),
		Extra:           s.Extra,
	}
}

// includeVolumeKeysAttribute is the argument without which a data source leaves its attribute of
// volume keys, named attribute, null: a key reaches the state only where a configuration asks for it.
func includeVolumeKeysAttribute(attribute string) schema.Attribute {
	return schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Read the encryption keys of encrypted volumes into `" + attribute + "`, and so into the state " +
			"(sensitive hides a value from the CLI's output, not from the state file). Default `false`: `" + attribute +
			"` is null. The ephemeral resource `vbs_backup_volume_key` reads a key without writing it to a plan or the state.",
	}
}

// volumeKey is the volume key of a backup, null where its volume is not encrypted.
func volumeKey(b *vbs.Backup) types.String {
	if sm := b.ServiceMetadata; sm != nil {
		return types.StringPointerValue(sm.VolumeKey)
	}
	return types.StringNull()
}

// volumeKeys maps the ids of backups of encrypted volumes to their volume keys. They stand beside
// the list as one sensitive map: Terraform's time for a sensitive attribute in each backup grows
// with the square of the backups' number (DESIGN.md holds the measurements).
func volumeKeys(backups []vbs.Backup) map[string]string {
	keys := map[string]string{}
	for i := range backups {
		if sm := backups[i].ServiceMetadata; sm != nil && sm.VolumeKey != nil {
			keys[backups[i].ID] = *sm.VolumeKey
		}
	}
	return keys
}

// timeValue renders a timestamp as RFC 3339 in UTC, the form users compare and sort as strings.
func timeValue(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}
