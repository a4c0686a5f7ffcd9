; Desktop Chat — Windows installer (NSIS 3, Modern UI 2; English and Russian).
;
; Wraps the PyInstaller one-folder bundle. Build it with packaging/windows/build_installer.sh, which
; passes the version from desktop_chat.__version__ (the one place it lives):
;   makensis -DVERSION=0.1.0 -DVERSION_NUMERIC=0.1.0.0 -DBUNDLE_DIR=<bundle> -DOUTFILE=<setup.exe> installer.nsi
; packaging/windows/check_nsis.sh compiles it on Linux against a stand-in payload (syntax check).
;
; Installs per machine into Program Files\Desktop Chat. The user's chats and settings live in
; %APPDATA%\DesktopChat (platformdirs, see desktop_chat/paths.py) and the API key in Windows
; Credential Manager; the uninstaller KEEPS them unless the user ticks "Also delete my chats and
; settings" (or passes /DELETEUSERDATA to a silent uninstall).

Unicode true

!ifndef VERSION
  !error "Pass -DVERSION=x.y.z (build_installer.sh reads it from desktop_chat.__version__)"
!endif
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\..\build\pyinstaller\dist\desktop-chat"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\DesktopChat-${VERSION}-setup.exe"
!endif

!define APP_NAME "Desktop Chat"
!define APP_EXE "DesktopChat.exe"
!define PUBLISHER "Desktop Chat"
!define DATA_FOLDER "DesktopChat"  ; platformdirs APP_AUTHOR: %APPDATA%\DesktopChat\DesktopChat
!define KEYRING_SERVICE "desktop-chat"  ; desktop_chat.secrets.SERVICE_NAME
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\DesktopChat"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ManifestDPIAware true
BrandingText "${APP_NAME} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "nsDialogs.nsh"
!include "x64.nsh"

!define MUI_ICON "..\..\resources\icons\desktop-chat.ico"
!define MUI_UNICON "..\..\resources\icons\desktop-chat.ico"
!define MUI_ABORTWARNING

; --- installer pages ---
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!insertmacro MUI_PAGE_FINISH

; --- uninstaller pages: confirm, then "keep or delete my chats" (kept by default), then progress ---
!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.UserDataPage un.UserDataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

; Languages: the first is the default; NSIS picks the one matching the Windows UI language.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Russian"

LangString UserDataTitle ${LANG_ENGLISH} "Your chats"
LangString UserDataTitle ${LANG_RUSSIAN} "Ваши чаты"
LangString UserDataSubtitle ${LANG_ENGLISH} "Choose whether to keep your chats and settings."
LangString UserDataSubtitle ${LANG_RUSSIAN} "Выберите, сохранить ли ваши чаты и настройки."
LangString UserDataText ${LANG_ENGLISH} "Your chats and settings are kept in $APPDATA\${DATA_FOLDER}. They stay there after uninstalling, so reinstalling ${APP_NAME} brings them back."
LangString UserDataText ${LANG_RUSSIAN} "Ваши чаты и настройки хранятся в папке $APPDATA\${DATA_FOLDER}. После удаления программы они остаются там, и при повторной установке ${APP_NAME} всё вернётся."
LangString UserDataCheckbox ${LANG_ENGLISH} "Also delete my chats and settings (this cannot be undone)"
LangString UserDataCheckbox ${LANG_RUSSIAN} "Также удалить мои чаты и настройки (отменить будет нельзя)"
LangString AppRunning ${LANG_ENGLISH} "${APP_NAME} is running. Close it and click Retry."
LangString AppRunning ${LANG_RUSSIAN} "${APP_NAME} сейчас запущен. Закройте его и нажмите «Повтор»."

!ifdef VERSION_NUMERIC
  ; File properties of setup.exe (Explorer > Properties > Details); needs a four-part number.
  VIProductVersion "${VERSION_NUMERIC}"
  VIFileVersion "${VERSION_NUMERIC}"
  VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APP_NAME}"
  VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
  VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APP_NAME} Setup"
  VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
  VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
  VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "MIT License"
!endif

Var DeleteUserData
Var DeleteUserDataCheckbox

Function .onInit
  ; The bundle is 64-bit: write to the 64-bit registry view and refuse 32-bit Windows.
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} needs 64-bit Windows."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Section "Install"
  SetShellVarContext all  ; shortcuts for every user of this machine

  ; Over an older version: the bundle's file list changes between versions, so clear it first
  ; (the chats are elsewhere, in %APPDATA%).
  RMDir /r "$INSTDIR\_internal"

  SetOutPath "$INSTDIR"
  File /r "${BUNDLE_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortCut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  ; Apps & features (Add/Remove Programs) entry.
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

; --- uninstaller ---

Function un.onInit
  SetRegView 64
  StrCpy $DeleteUserData ${BST_UNCHECKED}
  ; Silent uninstall keeps the data too, unless asked: uninstall.exe /S /DELETEUSERDATA
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/DELETEUSERDATA" $1
  ${IfNot} ${Errors}
    StrCpy $DeleteUserData ${BST_CHECKED}
  ${EndIf}
FunctionEnd

Function un.UserDataPage
  !insertmacro MUI_HEADER_TEXT "$(UserDataTitle)" "$(UserDataSubtitle)"
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0 100% 48u "$(UserDataText)"
  Pop $0
  ${NSD_CreateCheckbox} 0 56u 100% 12u "$(UserDataCheckbox)"
  Pop $DeleteUserDataCheckbox
  ${NSD_SetState} $DeleteUserDataCheckbox $DeleteUserData  ; unchecked unless /DELETEUSERDATA
  nsDialogs::Show
FunctionEnd

Function un.UserDataPageLeave
  ${NSD_GetState} $DeleteUserDataCheckbox $DeleteUserData
FunctionEnd

Section "Uninstall"
  ; A running copy keeps its files locked; ask to close it rather than leave half a folder.
  retry:
  ClearErrors
  FileOpen $0 "$INSTDIR\${APP_EXE}" a
  ${If} ${Errors}
    ${IfNot} ${Silent}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" IDRETRY retry
    ${EndIf}
    Abort
  ${EndIf}
  FileClose $0

  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"

  ; Only what the installer put there: never "RMDir /r $INSTDIR", which would wipe e.g. a folder
  ; the user chose that already held other files.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ${If} $DeleteUserData == ${BST_CHECKED}
    SetShellVarContext current  ; the chats belong to the user running the uninstaller
    RMDir /r "$APPDATA\${DATA_FOLDER}"
    RMDir /r "$LOCALAPPDATA\${DATA_FOLDER}"
    ; The saved API key / IAM token (keyring's Windows backend: targets "<service>" and "<user>@<service>").
    nsExec::Exec 'cmdkey /delete:${KEYRING_SERVICE}'
    Pop $0
    nsExec::Exec 'cmdkey /delete:api_key@${KEYRING_SERVICE}'
    Pop $0
    nsExec::Exec 'cmdkey /delete:iam_token@${KEYRING_SERVICE}'
    Pop $0
  ${EndIf}

  DeleteRegKey HKLM "${UNINST_KEY}"
SectionEnd
