; Vademecum's Windows installer, built by scripts/windows/build (make windows)
; with Debian's nsis. Per-user: it installs into %LOCALAPPDATA%\Programs\Vademecum
; and writes only to the user's own registry hive, so it needs no administrator
; rights. Defines given by the build: NAME VERSION BUILD SRC ICON OUTFILE.
;
; Silent use (for IT staff deploying it):
;   Vademecum-X.Y.Z-setup.exe /S [/DESKTOP] [/D=C:\other\folder]
;   uninstall.exe /S [/REMOVEDATA]
; The uninstaller keeps the user's data (%APPDATA%\Vademecum) unless asked:
; interactively it asks (default No), silently only /REMOVEDATA deletes it.

; 64-bit like the app itself (and so that it runs under Debian's wine64 in the tests).
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "Sections.nsh"

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${NAME}"

Name "${NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${NAME}"
InstallDirRegKey HKCU "Software\${NAME}" "InstallDir"
BrandingText "${NAME} ${VERSION}"

VIProductVersion "${VERSION}.${BUILD}"
VIAddVersionKey /LANG=0 "ProductName" "${NAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}.${BUILD}"
VIAddVersionKey /LANG=0 "FileDescription" "${NAME} ${VERSION} setup"
VIAddVersionKey /LANG=0 "LegalCopyright" "${LICENSE_YEAR} ${NAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${NAME}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\vademecum.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The interface languages of the app; NSIS starts in the one of Windows' display
; language, English when it is none of these.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Italian"
!insertmacro MUI_LANGUAGE "Spanish"
!insertmacro MUI_LANGUAGE "Polish"
!insertmacro MUI_LANGUAGE "Czech"
!insertmacro MUI_LANGUAGE "French"

LangString DesktopShortcut ${LANG_ENGLISH} "Desktop shortcut"
LangString DesktopShortcut ${LANG_ITALIAN} "Collegamento sul desktop"
LangString DesktopShortcut ${LANG_SPANISH} "Acceso directo en el escritorio"
LangString DesktopShortcut ${LANG_POLISH}  "Skrót na pulpicie"
LangString DesktopShortcut ${LANG_CZECH}   "Zástupce na ploše"
LangString DesktopShortcut ${LANG_FRENCH}  "Raccourci sur le bureau"

LangString RemoveData ${LANG_ENGLISH} "Also delete the Vademecum data on this computer (practices, drafts and settings in $APPDATA\${NAME})?$\n$\nPractices already shared stay on the hub. Choose No to keep the data for a later installation."
LangString RemoveData ${LANG_ITALIAN} "Eliminare anche i dati di Vademecum su questo computer (pratiche, bozze e impostazioni in $APPDATA\${NAME})?$\n$\nLe pratiche già condivise restano nell'hub. Scegliere No per conservare i dati per un'installazione futura."
LangString RemoveData ${LANG_SPANISH} "¿Borrar también los datos de Vademecum de este ordenador (prácticas, borradores y ajustes en $APPDATA\${NAME})?$\n$\nLas prácticas ya compartidas siguen en el hub. Elija No para conservar los datos para una instalación futura."
LangString RemoveData ${LANG_POLISH}  "Usunąć również dane Vademecum z tego komputera (praktyki, szkice i ustawienia w $APPDATA\${NAME})?$\n$\nPraktyki już udostępnione pozostają w hubie. Wybierz Nie, aby zachować dane na przyszłą instalację."
LangString RemoveData ${LANG_CZECH}   "Smazat také data Vademecum v tomto počítači (praxe, koncepty a nastavení v $APPDATA\${NAME})?$\n$\nJiž sdílené praxe zůstanou v hubu. Zvolte Ne, chcete-li data ponechat pro pozdější instalaci."
LangString RemoveData ${LANG_FRENCH}  "Supprimer aussi les données de Vademecum sur cet ordinateur (pratiques, brouillons et paramètres dans $APPDATA\${NAME}) ?$\n$\nLes pratiques déjà partagées restent sur le hub. Choisissez Non pour garder les données pour une installation future."

Section "${NAME}" SecApp
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "${SRC}\vademecum.exe"
  File "${SRC}\vademecum-cli.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\vademecum.exe" "" "$INSTDIR\vademecum.exe" 0

  WriteRegStr HKCU "Software\${NAME}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${NAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${NAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\vademecum.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "$(DesktopShortcut)" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${NAME}.lnk" "$INSTDIR\vademecum.exe" "" "$INSTDIR\vademecum.exe" 0
SectionEnd

Function .onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DESKTOP" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecDesktop}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${NAME}.lnk"
  Delete "$DESKTOP\${NAME}.lnk"
  Delete "$INSTDIR\vademecum.exe"
  Delete "$INSTDIR\vademecum-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${NAME}"

  ; The user's data stays unless asked: /REMOVEDATA when silent, a question
  ; (default No) otherwise.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${If} ${Errors}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(RemoveData)" /SD IDNO IDYES remove
    Goto done
  ${EndIf}
  remove:
    RMDir /r "$APPDATA\${NAME}"
    ; The fallback file for hub tokens (tokens normally live in the Credential
    ; Manager) and Fyne's preferences of the app.
    RMDir /r "$LOCALAPPDATA\vademecum"
    RMDir /r "$APPDATA\fyne\eu.vademecum.desktop"
  done:
SectionEnd
