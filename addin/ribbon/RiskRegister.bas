Attribute VB_Name = "RiskRegister"
' The one ribbon callback: every button passes its id to the Python dispatcher, which checks it against
' its allow-list. Keeping the VBA this small means new buttons need no VBA change.
' Remote mode: when riskreg.conf has a "SERVER_URL" line, the button calls that riskreg server instead of a
' local Python (xlwings' RunServerPython; the "AUTH" line holds the API key it sends).
Option Explicit

Sub OnRibbonButton(control As IRibbonControl)
    Dim server As String, question As String
    server = GetConfig("SERVER_URL")
    If server = "" Then
        RunPython "import addin.ribbon.dispatch; addin.ribbon.dispatch.run('" & control.Id & "')"
        Exit Sub
    End If
    If control.Id = "roll_quarter" Then
        question = InputBox("Roll the register to which period? (for example 2021/22 Q3)", "Risk Register")
        If question = "" Then Exit Sub
        question = "?arg=" & WorksheetFunction.EncodeURL(question)
    ElseIf control.Id = "build_paper" Then
        If MsgBox("Build the paper even if the register has errors (with a data-quality note)?", _
                  vbYesNo + vbQuestion, "Risk Register") = vbYes Then question = "?arg=true"
    End If
    RunServerPython server & "/xlwings/custom-scripts-call/" & control.Id & question
End Sub

' Called by the server's actions with a file to hand over (board paper, new register): saved beside the workbook.
Sub riskregDownload(wb As Workbook, fileName As String, content As String, mimeType As String)
    Dim node As Object, bytes() As Byte, target As String, f As Integer
    Set node = CreateObject("MSXML2.DOMDocument").createElement("b64")
    node.DataType = "bin.base64"
    node.Text = content
    bytes = node.nodeTypedValue
    target = wb.Path & Application.PathSeparator & fileName
    f = FreeFile
    Open target For Binary Access Write As #f
    Put #f, , bytes
    Close #f
End Sub
