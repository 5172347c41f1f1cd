package vbs

import "time"

// Link is one entry of a backup's links.
type Link struct {
	Href string
	Rel  string
}

// Backup is one backup as the API returned it, with its metadata parsed.
// A nil pointer, map or slice means the API returned null or left the field out.
type Backup struct {
	ID                   string
	Name                 *string
	Status               *string
	AvailabilityZone     *string
	VolumeID             *string
	SnapshotID           *string
	FailReason           *string
	Container            *string
	Description          *string
	DescriptionText      *string
	IncrementalRequested *bool
	Size                 *int64
	ObjectCount          *int64
	CreatedAt            *time.Time
	UpdatedAt            *time.Time
	DataTimestamp        *time.Time
	TenantID             *string
	HasDependentBackups  *bool
	IsIncremental        *bool
	Incremental          *bool // IsIncremental where readable, else from ServiceMetadata.BackupType
	Links                []Link
	Metadata             map[string]string
	UserID               *string
	EncryptionKeyID      *string
	ServiceMetadataJSON  *string
	ServiceMetadata      *ServiceMetadata

	// Unreadable holds the keys of the values that could not be read (and so are nil), as the API
	// names them (UnreadableKeys lists every one); never the values themselves, which may be secret:
	//   - "<member>": a member of the backup ("size", "os-bak-tenant-attr:tenant_id"), or for
	//     description and service_metadata the JSON document that their text is meant to hold;
	//   - "<member>.<KEY>": one key of that document ("service_metadata.progress",
	//     "service_metadata.VK", "description.INC");
	//   - WithheldServiceMetadata: service_metadata's text itself, kept back (ServiceMetadataJSON
	//     nil) because it is not valid JSON and may hold a volume key that could not be masked.
	Unreadable []string
}

// WithheldServiceMetadata is the key, in Backup.Unreadable, of service_metadata text that is kept back.
const WithheldServiceMetadata = "service_metadata (withheld)"

// UnreadableKeys are every key that Backup.Unreadable can hold, each once.
var UnreadableKeys = unreadableKeys()

// ServiceMetadata is the parsed service_metadata of a Huawei VBS backup.
type ServiceMetadata struct {
	Deduplicated    *bool    // DL bit 0; DL absent means false
	Compressed      *bool    // DL bit 1; DL absent means false
	VolumeKey       *string  // VK, secret
	Bootable        *bool    // bootable
	BackupURL       *string  // backupurl
	StoragePath     *string  // SP
	VMID            *string  // VMID
	ServiceType     *string  // ST: disk, vm, disk_copy, vm_copy; absent means disk
	StorageType     *float64 // BT
	SpaceSavingRate *float64 // SS
	StorageUnitPath *string  // BP
	CMKID           *string  // CMKID
	Progress        *float64 // progress
	ChainSizeMB     *float64 // CS
	VolumeType      *string  // VT
	HostID          *string  // OMID
	BackupType      *string  // Type: full, incremental
	JobID           *string  // ebk_T_I
	AverageRateMbps *float64 // AT
	Extra           map[string]string
}
