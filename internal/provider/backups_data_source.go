package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ datasource.DataSource              = (*backupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*backupsDataSource)(nil)
)

// NewBackupsDataSource is the constructor of the vbs_backups data source.
func NewBackupsDataSource() datasource.DataSource { return &backupsDataSource{} }

type backupsDataSource struct {
	client *vbs.Client
}

type backupsDataSourceModel struct {
	backupFiltersModel
	Backups    []backupModel     `tfsdk:"backups"`
	VolumeKeys map[string]string `tfsdk:"volume_keys"`
}

type backupModel struct {
	ID                   types.String          `tfsdk:"id"`
	Name                 types.String          `tfsdk:"name"`
	Status               types.String          `tfsdk:"status"`
	AvailabilityZone     types.String          `tfsdk:"availability_zone"`
	VolumeID             types.String          `tfsdk:"volume_id"`
	SnapshotID           types.String          `tfsdk:"snapshot_id"`
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
	TenantID             types.String          `tfsdk:"tenant_id"`
	HasDependentBackups  types.Bool            `tfsdk:"has_dependent_backups"`
	IsIncremental        types.Bool            `tfsdk:"is_incremental"`
	Links                []linkModel           `tfsdk:"links"`
	Metadata             map[string]string     `tfsdk:"metadata"`
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

func (d *backupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backups"
}

func (d *backupsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := filterAttributes(ctx)
	attrs["backups"] = schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "The backups found, each exactly once, in the order the API returned them. " +
			"A field the API returns as null or leaves out is null here.",
		NestedObject: schema.NestedAttributeObject{Attributes: backupAttributes()},
	}
	attrs["volume_keys"] = schema.MapAttribute{
		Computed: true, Sensitive: true, ElementType: types.StringType,
		MarkdownDescription: "The encryption keys (`VK` of `service_metadata`) of encrypted volumes, by backup id. " +
			"They are one sensitive map beside `backups` rather than a sensitive attribute of each backup, because " +
			"Terraform's cost of sensitive values inside a list grows with the square of their number.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists volume backups (`GET /v2/{project_id}/backups/detail` on Huawei Cloud VBS, " +
			"`/v3/{project_id}/backups/detail` on OpenStack Cinder), walking every page, with each backup's " +
			"`service_metadata` and `description` parsed. To read only ids, use `vbs_backup_ids`, which is far cheaper " +
			"for tens of thousands of backups.",
		Attributes: attrs,
	}
}

func backupAttributes() map[string]schema.Attribute {
	str := func(d string) schema.Attribute { return schema.StringAttribute{Computed: true, MarkdownDescription: d} }
	boolean := func(d string) schema.Attribute { return schema.BoolAttribute{Computed: true, MarkdownDescription: d} }
	integer := func(d string) schema.Attribute { return schema.Int64Attribute{Computed: true, MarkdownDescription: d} }
	timestamp := func(d string) schema.Attribute {
		return str(d + ", RFC 3339 in UTC (`2013-06-27T08:48:03Z`).")
	}
	return map[string]schema.Attribute{
		"id":                    str("Backup id."),
		"name":                  str("Backup name."),
		"status":                str("Backup status, for example `available`."),
		"availability_zone":     str("Availability zone of the backup."),
		"volume_id":             str("Id of the backed-up volume (disk)."),
		"snapshot_id":           str("Id of the snapshot the backup was made from."),
		"fail_reason":           str("Why the backup failed."),
		"container":             str("Container that holds the backup."),
		"description":           str("Description exactly as returned; on Huawei Cloud VBS often a JSON object."),
		"description_text":      str("`DESC` of a JSON description, else the description itself."),
		"incremental_requested": boolean("`INC` of a JSON description: whether an incremental backup was requested. Null for a plain description."),
		"size":                  integer("Size in GB."),
		"object_count":          integer("Number of objects the backup occupies in object storage."),
		"created_at":            timestamp("Creation time"),
		"updated_at":            timestamp("Last update time"),
		"data_timestamp":        timestamp("Time of the data in the backup"),
		"tenant_id":             str("Project that owns the backup (`os-bak-tenant-attr:tenant_id` on v2, `os-backup-project-attr:project_id` on v3)."),
		"has_dependent_backups": boolean("Whether incremental backups depend on this one."),
		"is_incremental":        boolean("Whether this is an incremental backup."),
		"links": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Links to the backup.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"href": str("URL."),
				"rel":  str("Relation, `self` or `bookmark`."),
			}},
		},
		"metadata":          schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "User metadata (Cinder microversion 3.43 and later); null where the API does not return it."},
		"user_id":           str("User who created the backup (Cinder microversion 3.56 and later)."),
		"encryption_key_id": str("Encryption key id (Cinder microversion 3.64 and later)."),
		"service_metadata_json": str("`service_metadata` exactly as returned, but for the value of every `VK` member at any " +
			"depth, however escapes spell its name, which reads `(sensitive)`: the volume key itself is in `volume_keys`. " +
			"Null, with a warning, where the text is not valid JSON and may hold a `VK` key, whose value could not be masked."),
		"service_metadata": schema.SingleNestedAttribute{
			Computed: true,
			MarkdownDescription: "`service_metadata` parsed (Huawei Cloud VBS); null where it is absent or not a JSON object. " +
				"Each attribute is null where its key is absent, unless a default is named.",
			Attributes: serviceMetadataAttributes(),
		},
	}
}

func serviceMetadataAttributes() map[string]schema.Attribute {
	str := func(d string) schema.Attribute { return schema.StringAttribute{Computed: true, MarkdownDescription: d} }
	boolean := func(d string) schema.Attribute { return schema.BoolAttribute{Computed: true, MarkdownDescription: d} }
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

func (d *backupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req, resp)
}

// Read is the framework's read of vbs_backups. The provider's protocol server answers this data
// source itself, on the fast path in fastread.go, with the same arguments and newBackupModel,
// because the framework's handling of a large state costs far more than the read (DESIGN.md, "The
// two read paths"); this Read serves binaries built with -tags vbs_framework_read and is what
// fastread_test.go holds the fast path to.
func (d *backupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m backupsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	res, ok := list(ctx, m.backupFiltersModel, &resp.Diagnostics, d.client.ListBackups)
	if !ok {
		return
	}
	if res.Unreadable > 0 {
		resp.Diagnostics.AddWarning(unreadableWarning(&res.ListSummary, len(res.Backups)))
	}
	m.setIDs(backupIDs(res.Backups))
	m.VolumeKeys = volumeKeys(res.Backups)
	m.Backups = make([]backupModel, len(res.Backups))
	for i := range res.Backups {
		m.Backups[i] = newBackupModel(&res.Backups[i])
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// listErrorSummary is the one summary of every failed listing.
const listErrorSummary = "Unable to list VBS backups"

// unreadableWarning is the one warning of a read in which some values could not be read.
func unreadableWarning(res *vbs.ListSummary, total int) (string, string) {
	detail := fmt.Sprintf("%d of %d backups had values that could not be read; those attributes are null (%s). First: %s.",
		res.Unreadable, total, strings.Join(res.UnreadableAttributes, ", "), res.UnreadableSample)
	if slices.Contains(res.UnreadableAttributes, "service_metadata_json") {
		detail += " service_metadata_json is null where service_metadata is not valid JSON and may hold a VK key: " +
			"the volume key's value could not be told apart from the rest of the text, so none of it is shown."
	}
	return "Some backup values could not be read", detail
}

func newBackupModel(b *vbs.Backup) backupModel {
	m := backupModel{
		ID:                   types.StringValue(b.ID),
		Name:                 types.StringPointerValue(b.Name),
		Status:               types.StringPointerValue(b.Status),
		AvailabilityZone:     types.StringPointerValue(b.AvailabilityZone),
		VolumeID:             types.StringPointerValue(b.VolumeID),
		SnapshotID:           types.StringPointerValue(b.SnapshotID),
		FailReason:           types.StringPointerValue(b.FailReason),
		Container:            types.StringPointerValue(b.Container),
		Description:          types.StringPointerValue(b.Description),
		DescriptionText:      types.StringPointerValue(b.DescriptionText),
		IncrementalRequested: types.BoolPointerValue(b.IncrementalRequested),
		Size:                 types.Int64PointerValue(b.Size),
		ObjectCount:          types.Int64PointerValue(b.ObjectCount),
		CreatedAt:            timeValue(b.CreatedAt),
		UpdatedAt:            timeValue(b.UpdatedAt),
		DataTimestamp:        timeValue(b.DataTimestamp),
		TenantID:             types.StringPointerValue(b.TenantID),
		HasDependentBackups:  types.BoolPointerValue(b.HasDependentBackups),
		IsIncremental:        types.BoolPointerValue(b.IsIncremental),
		Metadata:             b.Metadata,
		UserID:               types.StringPointerValue(b.UserID),
		EncryptionKeyID:      types.StringPointerValue(b.EncryptionKeyID),
		ServiceMetadataJSON:  types.StringPointerValue(b.ServiceMetadataJSON),
	}
	if b.Links != nil {
		m.Links = make([]linkModel, len(b.Links))
		for i, l := range b.Links {
			m.Links[i] = linkModel{Href: types.StringValue(l.Href), Rel: types.StringValue(l.Rel)}
		}
	}
	m.ServiceMetadata = newServiceMetadataModel(b.ServiceMetadata)
	return m
}

// newServiceMetadataModel maps parsed service_metadata onto the attributes that vbs_backups and
// provider::vbs::service_metadata_parse share; nil stays nil.
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

// volumeKeys maps the ids of backups of encrypted volumes to their volume keys. They stand beside
// the list as one sensitive map: a sensitive attribute in each backup cost Terraform 46 s of CPU
// for a plan of 2,000 backups (0.8 s without), four times as much for each doubling.
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
