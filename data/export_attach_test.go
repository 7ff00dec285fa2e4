package data

// ExifOrientation reads the orientation of an EXIF block's TIFF structure (tests).
var ExifOrientation = exifOrientation
