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
        If MsgBox("If the register has errors, close the quarter anyway (the Record sheet then says so)?", _
                  vbYesNo + vbQuestion + vbDefaultButton2, "Risk Register") = vbYes Then question = question & "&arg=true"
    ElseIf control.Id = "rename_band" Or control.Id = "rename_risk" Or control.Id = "correct_history" Then
        question = AskTwo(control.Id)
        If question = "" Then Exit Sub
    ElseIf control.Id = "build_paper" Then
        If MsgBox("Build the paper even if the register has errors (with a data-quality note)?", _
                  vbYesNo + vbQuestion, "Risk Register") = vbYes Then question = "?arg=true"
    End If
    RunServerPython server & "/xlwings/custom-scripts-call/" & control.Id & question
End Sub

'' The two answers a record button sends the server, as "?arg=…&arg=…"; "" when the user cancels either.
Function AskTwo(id As String) As String
    Dim first As String, second As String
    If id = "rename_band" Then
        first = InputBox("Rename which rating band? (its name on the Lists sheet, e.g. Medium)", "Risk Register")
        If first <> "" Then second = InputBox("New name for the band (e.g. Moderate):", "Risk Register")
    ElseIf id = "rename_risk" Then
        first = InputBox("Give which risk a new ID? (its ID on the Register now, e.g. CRR05)", "Risk Register")
        If first <> "" Then second = InputBox("New ID for the risk (e.g. CRR05A):", "Risk Register")
    Else
        first = InputBox("Which closed quarter's History did you correct? (e.g. 2021/22 Q3)", "Risk Register")
        If first <> "" Then second = InputBox("Why was it corrected? (recorded with the new seal)", "Risk Register")
    End If
    If first = "" Or second = "" Then Exit Function
    AskTwo = "?arg=" & WorksheetFunction.EncodeURL(first) & "&arg=" & WorksheetFunction.EncodeURL(second)
End Function

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
