<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>ChatSettingsDialog</name>
    <message>
        <source>Chat settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For example: You are a helpful assistant. Answer briefly.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App default (%s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lower is more focused, higher is more varied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest reply, in tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest reply (tokens):</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>Checking the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat sends a tiny request to YandexGPT with your key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try the connection again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model in your settings is not valid. Finish here and choose a model in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking… This usually takes a second or two.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It works! YandexGPT answered with your key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key was not accepted. Check that you copied the whole key, and that it is an API key of a service account (or a fresh IAM token).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key works, but it has no access to this folder. Check the folder ID, and that the service account has the role ai.languageModels.user in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can finish anyway: the key is saved, and Desktop Chat will try again when you send a message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go back to correct the folder ID or the key.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Write a message… (Enter sends, Shift+Enter starts a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionCheck</name>
    <message>
        <source>The API address is not valid. It must start with https:// (plain http:// only for this computer).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The check failed unexpectedly ({0}). Try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DetailsPage</name>
    <message>
        <source>Paste your folder ID and key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy them from the Yandex Cloud console and paste them here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Folder ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AQVN… (an API key) or t1.… (an IAM token)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key or IAM token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IAM token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key &amp;type:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Welcome to Desktop Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip — just browse my chats offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start chatting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip the setup and browse saved chats offline</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IntroPage</name>
    <message>
        <source>Connect Desktop Chat to YandexGPT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You need a folder ID and an API key from Yandex Cloud.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat talks to YandexGPT through your own Yandex Cloud account. Getting the two things it needs takes about five minutes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the &lt;a href=&apos;{0}&apos;&gt;Yandex Cloud console&lt;/a&gt; and sign in with your Yandex account. Choose a folder (the one called &lt;i&gt;default&lt;/i&gt; is fine).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the &lt;b&gt;folder ID&lt;/b&gt;: it is shown on the folder&apos;s page, next to its name. It has 20 letters and digits and usually starts with &lt;tt&gt;b1g&lt;/tt&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In that folder, open &lt;i&gt;Service accounts&lt;/i&gt; and create one with the role &lt;tt&gt;ai.languageModels.user&lt;/tt&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the service account, choose &lt;i&gt;Create new key → Create API key&lt;/i&gt;, and copy the key. It is shown only once. (&lt;a href=&apos;{0}&apos;&gt;Step-by-step help&lt;/a&gt;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your chats stay on this computer. The key is kept in your system&apos;s password storage, never in a file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Desktop Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search all chats (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search all chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new chat (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This chat&apos;s settings: system prompt, model (Ctrl+Shift+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find in this chat (Enter: next)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find in this chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find in chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate the last reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pin / unpin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTML…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import chat from JSON…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Desktop Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export chat as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No API key yet: you can read, search and export your chats. To talk to YandexGPT, add a key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This chat could not be opened: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Markdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No reply yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reply was cut off: it reached the length limit (max tokens). You can raise the limit in the chat&apos;s settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model declined to answer this (content filter).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens: %1 in, %2 out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key was not accepted. Open Settings and paste a valid API key or IAM token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access denied. Check the folder ID and the service account&apos;s role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many requests for your quota right now. Wait a minute and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation is too long for the model. Start a new chat or shorten the message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No connection to the server. Check the internet and retry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection broke during the reply. What arrived is kept; retry for a full reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reply failed. Retry in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This chat was saved by a newer version of Desktop Chat and is read-only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To send messages, add your Yandex Cloud API key and folder ID in Settings. Your message is kept in the box.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save to disk (%s). Free some disk space and try again; your text is still in the box.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s) above this line are not sent to the model: the conversation is longer than its context window.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong inside the app: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To get a reply, add your API key in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Editing a message: sending it replaces it and every message after it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select text…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy code block %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message copied as Markdown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context: %1 of %2 tokens (%3%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n earliest message(s) will not be sent</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing found for “%s”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat “%s” deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat JSON (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported to %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This file could not be imported: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat %s

A desktop client for YandexGPT. Your chats stay on your computer:
%s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SecretField</name>
    <message>
        <source>Hide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide the key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the key</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yandex Cloud account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Folder ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IAM token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key &amp;type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key or IAM token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Check connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom model URI…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom model URI</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model &amp;URI:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lower values give more focused answers, higher values more varied ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximum reply length in tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max reply &amp;length (tokens):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tem&amp;perature:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let &amp;Yandex log my requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let Yandex log my requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yandex may keep the requests and use them to improve its models. Off unless you turn it on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API &amp;address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>La&amp;nguage:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>T&amp;heme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new language takes effect after a restart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set by the environment variable {0} for this run; it is not saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set by an environment variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the saved key…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste the API key or IAM token here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the folder ID first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste the API key or IAM token first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model, or enter a model URI that starts with gpt:// or ds://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected. The key and the folder ID work.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API address must start with https://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a model URI that starts with gpt:// or ds://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder ID cannot contain spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some values are not valid; please check them.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Setup</name>
    <message>
        <source>The key is kept in your system&apos;s password storage.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your system has no password storage; the key will be kept until you close the app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your system&apos;s password storage is locked; the key will be kept until you close the app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your system&apos;s password storage is not responding; the key will be kept until you close the app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This looks like an API key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This looks like an IAM token. IAM tokens stop working after 12 hours at most; an API key does not.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This looks shorter or longer than a key should be. Was it copied completely?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This looks like an OAuth token, which this app cannot use. Create an API key for a service account instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This looks like a static access key (for Object Storage), not an API key. Create an API key for a service account instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This does not look like a Yandex Cloud API key (they start with AQVN) or IAM token (they start with t1.). You can still try it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A folder ID is 20 lowercase letters and digits, usually starting with b1g. You can still try this one.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>%n chat file(s) could not be read and were moved aside, so the other chats open normally. They are kept in: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n chat(s) were saved by a newer version of Desktop Chat. You can read them, but changes need the newer version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop Chat</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>render</name>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>The settings could not be saved: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
